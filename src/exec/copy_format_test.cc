#include "exec/copy_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "types/cast.h"
#include "types/value.h"

namespace strata::exec {
namespace {

using types::Type;

CopyOptions csv() {
  CopyOptions o;
  o.csv = true;
  o.delimiter = ',';
  o.null_string = "";
  o.escape = '"';
  return o;
}

// The parsed rows as text lines, '|' between columns, NULL as "NULL".
std::vector<std::string> parse(const std::vector<Type>& types, const CopyOptions& options, const std::string& data,
                               Status* status = nullptr) {
  CopyParser p(types, options);
  Status s = p.write(data);
  if (s.ok()) s = p.finish();
  if (status != nullptr) *status = s;
  if (!s.ok()) return {};
  types::Batch b = p.take_rows();
  std::vector<std::string> out;
  for (size_t r = 0; r < b.rows; ++r) {
    std::string line;
    for (size_t c = 0; c < b.columns.size(); ++c) {
      if (c) line += "|";
      types::Value v = b.columns[c].get_value(r);
      line += v.is_null() ? "NULL" : types::format_value(v);
    }
    out.push_back(line);
  }
  return out;
}

TEST(CopyParserTest, CsvFieldsQuotesAndNulls) {
  std::vector<Type> t = {Type::integer(), Type::text(), Type::text()};
  // Unquoted, quoted with a delimiter and an escaped quote inside, empty unquoted
  // (NULL), empty quoted (an empty string), a quote opening mid-field.
  EXPECT_EQ(parse(t, csv(), "1,plain,x\n2,\"a,b \"\"q\"\"\",y\n3,,\"\"\n4,ab\"c,d\"e,z\n"),
            (std::vector<std::string>{"1|plain|x", "2|a,b \"q\"|y", "3|NULL|", "4|abc,de|z"}));
  // A quoted newline stays in the field; a trailing delimiter is one more (NULL) field.
  EXPECT_EQ(parse(t, csv(), "5,\"two\nlines\",\n"), (std::vector<std::string>{"5|two\nlines|NULL"}));
  Status s;
  parse(t, csv(), "6,\"open,x\n", &s);
  EXPECT_EQ(s.sqlstate(), "22P04") << s.to_string();
  parse(t, csv(), "7,a\n", &s);
  EXPECT_EQ(s.sqlstate(), "22P04");
  EXPECT_NE(s.message().find("missing data"), std::string::npos) << s.message();
  parse(t, csv(), "8,a,b,c\n", &s);
  EXPECT_NE(s.message().find("extra data"), std::string::npos) << s.message();
}

TEST(CopyParserTest, IntegersFastAndSlowPaths) {
  std::vector<Type> t = {Type::smallint(), Type::integer(), Type::bigint()};
  // Plain digits take the fast path; a sign or spaces go through the type's input
  // function, as PostgreSQL accepts them.
  EXPECT_EQ(parse(t, csv(), "1,-2,9223372036854775807\n+3, 4 ,-9223372036854775808\n"),
            (std::vector<std::string>{"1|-2|9223372036854775807", "3|4|-9223372036854775808"}));
  Status s;
  parse(t, csv(), "32768,1,1\n", &s);
  EXPECT_EQ(s.sqlstate(), "22003") << s.to_string();
  parse(t, csv(), "1,2147483648,1\n", &s);
  EXPECT_EQ(s.sqlstate(), "22003") << s.to_string();
  parse(t, csv(), "1,12x,1\n", &s);
  EXPECT_EQ(s.sqlstate(), "22P02") << s.to_string();
  EXPECT_NE(s.message().find("COPY line 1"), std::string::npos) << s.message();
}

TEST(CopyParserTest, TextFormatEscapesAndNull) {
  CopyOptions text;  // defaults: tab, \N
  std::vector<Type> t = {Type::integer(), Type::text()};
  EXPECT_EQ(parse(t, text, "1\ta\\tb\n2\t\\N\n3\t\\\\N\n\\.\n"),
            (std::vector<std::string>{"1|a\tb", "2|NULL", "3|\\N"}));
}

}  // namespace
}  // namespace strata::exec
