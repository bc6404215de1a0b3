#include "sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::sql {
namespace {

std::vector<Token> lex(std::string_view text) {
  auto r = tokenize(text);
  EXPECT_TRUE(r.ok()) << r.status().to_string();
  return r.ok() ? std::move(r).value() : std::vector<Token>{};
}

// "kind:text" for each token but the final kEnd.
std::string describe(std::string_view text) {
  static constexpr std::string_view kNames[] = {"id", "qid", "str", "int", "num", "param", "op", "(",  ")",
                                                "[",  "]",   ",",   ";",   ".",   ":",     "::", "end"};
  std::string out;
  for (const Token& t : lex(text)) {
    if (t.kind == TokenKind::kEnd) break;
    if (!out.empty()) out += ' ';
    out += kNames[static_cast<int>(t.kind)];
    if (t.kind <= TokenKind::kOperator) out += ":" + t.text;
  }
  return out;
}

Status lex_error(std::string_view text) {
  auto r = tokenize(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? Status::ok_status() : r.status();
}

TEST(LexerTest, IdentifiersFoldAndQuotedKeepCase) {
  EXPECT_EQ(describe("SELECT Foo, \"Bar\", \"a\"\"b\", _x$1"), "id:select id:foo , qid:Bar , qid:a\"b , id:_x$1");
  auto toks = lex("SELECT from_x FROM");
  EXPECT_EQ(toks[0].keyword, KeywordCategory::kReserved);
  EXPECT_EQ(toks[1].keyword, KeywordCategory::kNone);
  EXPECT_EQ(toks[2].keyword, KeywordCategory::kReserved);
}

TEST(LexerTest, KeywordCategories) {
  EXPECT_EQ(keyword_category("select"), KeywordCategory::kReserved);
  EXPECT_EQ(keyword_category("left"), KeywordCategory::kTypeFuncName);
  EXPECT_EQ(keyword_category("between"), KeywordCategory::kColName);
  EXPECT_EQ(keyword_category("timestamp"), KeywordCategory::kColName);
  EXPECT_EQ(keyword_category("set"), KeywordCategory::kNone);  // unreserved
  EXPECT_EQ(keyword_category("with"), KeywordCategory::kReserved);
  EXPECT_EQ(keyword_category("zzz"), KeywordCategory::kNone);
}

TEST(LexerTest, Strings) {
  EXPECT_EQ(describe("'it''s'"), "str:it's");
  EXPECT_EQ(describe("'a\\n'"), "str:a\\n");  // standard strings keep backslashes
  EXPECT_EQ(describe("E'a\\n\\t\\\\\\'x'"), "str:a\n\t\\'x");
  EXPECT_EQ(describe("e'\\x41\\101\\u00e9'"), "str:AA\xc3\xa9");
  EXPECT_EQ(describe("N'nat'"), "str:nat");
  EXPECT_EQ(describe("$$it's $1$$"), "str:it's $1");
  EXPECT_EQ(describe("$tag$a$$b$tag$"), "str:a$$b");
  EXPECT_EQ(describe("$a$$a$"), "str:");
  // Continuation across a newline concatenates; on one line it does not.
  EXPECT_EQ(describe("'a'\n  'b'"), "str:ab");
  EXPECT_EQ(describe("'a' 'b'"), "str:a str:b");
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(describe("1 12.5 .5 1. 1e10 1.5E-3 2e+4"), "int:1 num:12.5 num:.5 num:1. num:1e10 num:1.5E-3 num:2e+4");
  // An 'e' without digits is not an exponent; 123abc is 123 then abc.
  EXPECT_EQ(describe("1e 123abc"), "int:1 id:e int:123 id:abc");
  EXPECT_EQ(describe("1..2"), "int:1 . num:.2");
}

TEST(LexerTest, ParametersAndPunctuation) {
  EXPECT_EQ(describe("$1 + $23"), "param:1 op:+ param:23");
  EXPECT_EQ(describe("a::int[1:2];"), "id:a :: id:int [ int:1 : int:2 ] ;");
}

TEST(LexerTest, Operators) {
  // A trailing + or - is split off unless the operator has one of ~!@#%^&|`?.
  EXPECT_EQ(describe("a=-1"), "id:a op:= op:- int:1");
  EXPECT_EQ(describe("a<>-1 b*-2"), "id:a op:<> op:- int:1 id:b op:* op:- int:2");
  EXPECT_EQ(describe("a != b"), "id:a op:<> id:b");
  EXPECT_EQ(describe("a @- b"), "id:a op:@- id:b");
  EXPECT_EQ(describe("j->>'k' j#>>'{a}' j?|k"), "id:j op:->> str:k id:j op:#>> str:{a} id:j op:?| id:k");
  EXPECT_EQ(describe("a !~* b || c"), "id:a op:!~* id:b op:|| id:c");
  // A comment start ends an operator.
  EXPECT_EQ(describe("a +-- comment\n b"), "id:a op:+ id:b");
  EXPECT_EQ(describe("a */* c */ b"), "id:a op:* id:b");
}

TEST(LexerTest, Comments) {
  EXPECT_EQ(describe("a -- x\nb"), "id:a id:b");
  EXPECT_EQ(describe("a /* x /* nested */ still */ b"), "id:a id:b");
  EXPECT_EQ(describe("-- only a comment"), "");
}

TEST(LexerTest, TokenOffsets) {
  auto toks = lex("SELECT  \"Ab\" , 'x''y'");
  ASSERT_EQ(toks.size(), 5u);
  EXPECT_EQ(toks[1].begin, 8);
  EXPECT_EQ(toks[1].end, 12);
  EXPECT_EQ(toks[3].begin, 15);
  EXPECT_EQ(toks[3].end, 21);
  EXPECT_EQ(toks[4].kind, TokenKind::kEnd);
  EXPECT_EQ(toks[4].begin, 21);
}

TEST(LexerTest, Errors) {
  Status s = lex_error("SELECT 'abc");
  EXPECT_EQ(s.sqlstate(), "42601");
  EXPECT_EQ(s.message(), "unterminated quoted string at or near \"'abc\"");
  EXPECT_EQ(s.position(), 8);
  EXPECT_EQ(lex_error("SELECT \"abc").message(), "unterminated quoted identifier at or near \"\"abc\"");
  EXPECT_EQ(lex_error("SELECT \"\"").message(), "zero-length delimited identifier at or near \"\"\"\"");
  EXPECT_EQ(lex_error("a /* /* */").message(), "unterminated /* comment at or near \"/* /* */\"");
  EXPECT_EQ(lex_error("$x$abc").message(), "unterminated dollar-quoted string at or near \"$x$abc\"");
  EXPECT_EQ(lex_error("SELECT E'\\u12'").message(), "invalid Unicode escape");
  EXPECT_EQ(lex_error("SELECT 1 \x01").position(), 10);
  EXPECT_EQ(lex_error("SELECT $1x").sqlstate(), "42601");
}

TEST(LexerTest, ErrorPositionCountsCharactersNotBytes) {
  // "é" is two bytes; PostgreSQL reports character positions.
  Status s = lex_error("SELECT 'é', 'x");
  EXPECT_EQ(s.position(), 13);
  EXPECT_EQ(char_position("aé b", 4), 4);
}

TEST(LexerTest, LongErrorMessagesAreCut) {
  std::string text = "'" + std::string(10000, 'x');
  Status s = lex_error(text);
  EXPECT_LT(s.message().size(), 400u);
}

}  // namespace
}  // namespace strata::sql
