// A reference for src/connect/nexmark_generator: Beam's generator (with Flink's
// Bid.channel/url) transcribed in Java with the real java.util.Random, Math.pow,
// Math.round and String.trim, for the ★ variant of nexmark.md. Prints events
// [first, first+count) as JSON lines with event_type, exactly as
// `strata nexmark --kind all` does. Arguments: first event, count, rate (events/s).
// The golden files of src/connect/nexmark_generator_test.cc come from:
//   java tools/NexmarkReference.java 0 1000 10000 > src/connect/testdata/nexmark_first_1000.jsonl
//   java tools/NexmarkReference.java 1000000 300 1000000 > src/connect/testdata/nexmark_1000000_300_rate_1e6.jsonl
import java.util.Random;

public class NexmarkReference {
  static final long BASE_TIME = 1436918400000L;
  static final String[] FIRST = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"};
  static final String[] LAST = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"};
  static final String[] CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"};
  static final String[] STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};
  static final String[] HOT_CHANNELS = {"Google", "Facebook", "Baidu", "Apple"};
  static final String[] HOT_URLS = new String[4];
  static final String[] CHANNEL_URLS = new String[10000];
  static double interEventDelayUs;

  static long nextLong(Random r, long n) {
    if (n < Integer.MAX_VALUE) return r.nextInt((int) n);
    return Math.abs(r.nextLong() % n);
  }
  static String nextString(Random r, int maxLength, char special) {
    int len = 3 + r.nextInt(maxLength - 3);
    StringBuilder sb = new StringBuilder();
    while (len-- > 0) {
      if (r.nextInt(13) == 0) sb.append(special); else sb.append((char) ('a' + r.nextInt(26)));
    }
    return sb.toString().trim();
  }
  static String nextExactString(Random r, int length) {
    StringBuilder sb = new StringBuilder();
    int rnd = 0, n = 0;
    while (length-- > 0) {
      if (n == 0) { rnd = r.nextInt(); n = 6; }
      sb.append((char) ('a' + rnd % 26));
      rnd /= 26;
      n--;
    }
    return sb.toString();
  }
  static String nextExtra(Random r, int currentSize, int desiredAverageSize) {
    if (currentSize > desiredAverageSize) return "";
    desiredAverageSize -= currentSize;
    int delta = (int) Math.round(desiredAverageSize * 0.2);
    int minSize = desiredAverageSize - delta;
    int desiredSize = minSize + (delta == 0 ? 0 : r.nextInt(2 * delta));
    return nextExactString(r, desiredSize);
  }
  static long nextPrice(Random r) { return Math.round(Math.pow(10.0, r.nextDouble() * 6.0) * 100.0); }
  static long lastPerson(long id) { long e = id / 50, o = id % 50; if (o >= 1) o = 0; return e + o; }
  static long lastAuction(long id) {
    long e = id / 50, o = id % 50;
    if (o < 1) { e--; o = 2; } else if (o >= 4) { o = 2; } else { o -= 1; }
    return e * 3 + o;
  }
  static long randomPerson(long id, Random r) {
    long num = lastPerson(id) + 1, active = Math.min(num, 1000);
    return num - active + nextLong(r, active + 10);
  }
  static long randomAuction(long id, Random r) {
    long max = lastAuction(id), min = Math.max(max - 100, 0);
    return min + nextLong(r, max - min + 1 + 10);
  }
  static long ts(long n) { return BASE_TIME + (long) (n * interEventDelayUs) / 1000L; }
  static String baseUrl(Random r) {
    return "https://www.nexmark.com/" + nextString(r, 5, '_') + '/' + nextString(r, 5, '_') + '/'
        + nextString(r, 5, '_') + '/' + "item.htm?query=1";
  }
  static String q(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }
  static String t(long ms) {
    return "\"" + java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1000000,
        java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")) + "\"";
  }

  public static void main(String[] args) {
    long first = Long.parseLong(args[0]), count = Long.parseLong(args[1]);
    interEventDelayUs = 1e6 / Double.parseDouble(args[2]);
    Random u = new Random(0);
    for (int i = 0; i < 4; i++) HOT_URLS[i] = baseUrl(u);
    for (int c = 0; c < 10000; c++) {
      String url = baseUrl(u);
      if (u.nextInt(10) > 0) url = url + "&channel_id=" + Math.abs(Integer.reverse(c));
      CHANNEL_URLS[c] = url;
    }
    StringBuilder out = new StringBuilder();
    for (long n = first; n < first + count; n++) {
      long id = n;
      Random r = new Random(id);
      long time = ts(n);
      long rem = id % 50;
      if (rem < 1) {
        long pid = lastPerson(id) + 1000;
        String name = FIRST[r.nextInt(11)] + " " + LAST[r.nextInt(9)];
        String email = nextString(r, 7, ' ') + "@" + nextString(r, 5, ' ') + ".com";
        StringBuilder cc = new StringBuilder();
        for (int i = 0; i < 4; i++) { if (i > 0) cc.append(' '); cc.append(String.format("%04d", r.nextInt(10000))); }
        String city = CITIES[r.nextInt(10)], state = STATES[r.nextInt(6)];
        int size = 8 + name.length() + email.length() + cc.length() + city.length() + state.length();
        String extra = nextExtra(r, size, 200);
        out.append("{\"event_type\":0,\"id\":" + pid + ",\"name\":" + q(name) + ",\"email_address\":" + q(email)
            + ",\"credit_card\":" + q(cc.toString()) + ",\"city\":" + q(city) + ",\"state\":" + q(state)
            + ",\"date_time\":" + t(time) + ",\"extra\":" + q(extra) + "}\n");
      } else if (rem < 4) {
        long aid = lastAuction(id) + 1000;
        long seller = r.nextInt(4) > 0 ? (lastPerson(id) / 100) * 100 : randomPerson(id, r);
        seller += 1000;
        long category = 10 + r.nextInt(5);
        long initialBid = nextPrice(r);
        long horizon = ts(n + (100L * 50) / 3) - time;
        long expires = time + 1L + nextLong(r, Math.max(horizon * 2, 1L));
        String name = nextString(r, 20, ' '), desc = nextString(r, 100, ' ');
        long reserve = initialBid + nextPrice(r);
        String extra = nextExtra(r, 8 + name.length() + desc.length() + 40, 500);
        out.append("{\"event_type\":1,\"id\":" + aid + ",\"item_name\":" + q(name) + ",\"description\":" + q(desc)
            + ",\"initial_bid\":" + initialBid + ",\"reserve\":" + reserve + ",\"date_time\":" + t(time)
            + ",\"expires\":" + t(expires) + ",\"seller\":" + seller + ",\"category\":" + category
            + ",\"extra\":" + q(extra) + "}\n");
      } else {
        long auction = r.nextInt(2) > 0 ? (lastAuction(id) / 100) * 100 : randomAuction(id, r);
        auction += 1000;
        long bidder = r.nextInt(4) > 0 ? (lastPerson(id) / 100) * 100 + 1 : randomPerson(id, r);
        bidder += 1000;
        long price = nextPrice(r);
        String channel, url;
        if (r.nextInt(2) > 0) { int i = r.nextInt(4); channel = HOT_CHANNELS[i]; url = HOT_URLS[i]; }
        else { int c = r.nextInt(10000); channel = "channel-" + c; url = CHANNEL_URLS[c]; }
        String extra = nextExtra(r, 32, 100);
        out.append("{\"event_type\":2,\"auction\":" + auction + ",\"bidder\":" + bidder + ",\"price\":" + price
            + ",\"channel\":" + q(channel) + ",\"url\":" + q(url) + ",\"date_time\":" + t(time)
            + ",\"extra\":" + q(extra) + "}\n");
      }
    }
    System.out.print(out);
  }
}
