// The pure half of the one HTTP client: URLs, request bytes, answers and their size bound. No sockets.
#include "hearth/net/http_message.hpp"

#include <gtest/gtest.h>

namespace hearth::net {
namespace {

TEST(HttpUrl, ParsesHostPortAndPath) {
    auto u = parse_http_url("http://192.168.1.9:8200/rootDesc.xml?x=1");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "192.168.1.9");
    EXPECT_EQ(u->port, 8200);
    EXPECT_EQ(u->path, "/rootDesc.xml?x=1");
    u = parse_http_url("HTTP://nas.local");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "nas.local");
    EXPECT_EQ(u->port, 80);
    EXPECT_EQ(u->path, "/");
    EXPECT_EQ(authority(*u), "nas.local:80");
}

TEST(HttpUrl, RefusesWhatItCannotFetch) {
    EXPECT_FALSE(parse_http_url("https://a/"));
    EXPECT_FALSE(parse_http_url("http://[::1]:80/"));
    EXPECT_FALSE(parse_http_url("http://a:0/"));
    EXPECT_FALSE(parse_http_url("http://a:70000/"));
    EXPECT_FALSE(parse_http_url("http://a:/"));
    EXPECT_FALSE(parse_http_url("http://a:8x/"));
    EXPECT_FALSE(parse_http_url("http://:80/"));
    EXPECT_FALSE(parse_http_url("http:///x"));
    EXPECT_FALSE(parse_http_url("http://user@a/"));
    EXPECT_FALSE(parse_http_url(""));
}

TEST(HttpUrl, RefusesBytesThatWouldSplitTheRequest) {
    // The path goes into a request line (GENA's NOTIFY): a space, CR, LF or other control byte would end
    // it early and let the URL's writer add headers of its own.
    EXPECT_FALSE(parse_http_url("http://10.0.0.2/a b"));
    EXPECT_FALSE(parse_http_url("http://10.0.0.2/a\r\nX-Evil: 1"));
    EXPECT_FALSE(parse_http_url("http://10.0.0.2/a\tb"));
    EXPECT_FALSE(parse_http_url(std::string("http://10.0.0.2/a\0b", 19)));
    EXPECT_FALSE(parse_http_url("http://10.0.0.2/a\x7f"));
    EXPECT_FALSE(parse_http_url(" http://10.0.0.2/"));
    EXPECT_TRUE(parse_http_url("http://10.0.0.2/%20ok"));
}

TEST(HttpRequest, WritesTheLineHeadersAndBodyAsGiven) {
    EXPECT_EQ(http_request("NOTIFY", "/ev", "HTTP/1.1", {{"HOST", "10.0.0.2:80"}, {"SEQ", "0"}}, "<x/>"),
              "NOTIFY /ev HTTP/1.1\r\nHOST: 10.0.0.2:80\r\nSEQ: 0\r\n\r\n<x/>");
    EXPECT_EQ(http_request("GET", "/", "HTTP/1.0", {}), "GET / HTTP/1.0\r\n\r\n");
}

TEST(HttpGetRequest, AsksForThePathAndACloseAfterIt) {
    EXPECT_EQ(http_get_request({"127.0.0.1", 8300, "/description.xml"}, "Hearth-test/1"),
              "GET /description.xml HTTP/1.0\r\nHost: 127.0.0.1:8300\r\nUser-Agent: Hearth-test/1\r\n"
              "Connection: close\r\n\r\n");
}

TEST(MessageParts, SplitsAtTheFirstLineAndTheBlankLine) {
    auto parts = split_message("HTTP/1.1 200 OK\r\nA: 1\r\nlocation:  http://x/ \r\n\r\nbody\r\n\r\nmore");
    EXPECT_EQ(parts.start_line, "HTTP/1.1 200 OK");
    EXPECT_EQ(parts.body, "body\r\n\r\nmore");
    EXPECT_EQ(header_value(parts.headers, "LOCATION"), "http://x/");
    EXPECT_EQ(header_value(parts.headers, "a"), "1");
    EXPECT_FALSE(header_value(parts.headers, "B"));
    parts = split_message("HTTP/1.1 200 OK");
    EXPECT_EQ(parts.start_line, "HTTP/1.1 200 OK");
    EXPECT_EQ(parts.headers, "");
    EXPECT_EQ(parts.body, "");
}

TEST(StatusLine, ReadsTheCode) {
    EXPECT_EQ(parse_status_line("HTTP/1.1 200 OK"), 200);
    EXPECT_EQ(parse_status_line("HTTP/1.0 412"), 412);
    EXPECT_FALSE(parse_status_line("HTTP/2 200"));
    EXPECT_FALSE(parse_status_line("HTTP/1.1 99 Low"));
    EXPECT_FALSE(parse_status_line("HTTP/1.1"));
    EXPECT_FALSE(parse_status_line("SSH-2.0-OpenSSH_9.2"));
}

TEST(HttpResponse, SplitsStatusAndBody) {
    auto r = parse_http_response("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hello");
    r = parse_http_response("HTTP/1.0 404 Not Found\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(r->body, "");
    EXPECT_FALSE(parse_http_response("SSH-2.0-OpenSSH_9.2\r\n"));
    EXPECT_FALSE(parse_http_response("HTTP/1.1 abc\r\n\r\n"));
}

TEST(HttpResponse, DechunksChunkedBodies) {
    auto r = parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "5\r\nhello\r\n7;x=y\r\n, world\r\n0\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "hello, world");
    EXPECT_FALSE(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nx\r\n"));
    EXPECT_FALSE(parse_http_response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n50\r\nshort\r\n"));
}

TEST(ResponseReader, ReadsTheWholeAnswerUntilTheServerCloses) {
    ResponseReader reader(100, false);
    EXPECT_EQ(reader.add("HTTP/1.1 200 OK\r\n"), ResponseReader::Step::more);
    EXPECT_EQ(reader.add("Content-Length: 2\r\n\r\nhi"), ResponseReader::Step::more);
    auto r = reader.response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "hi");
}

TEST(ResponseReader, RefusesMoreThanTheBound) {
    ResponseReader reader(30, false);
    EXPECT_EQ(reader.add("HTTP/1.1 200 OK\r\n\r\n"), ResponseReader::Step::more); // 19 bytes
    EXPECT_EQ(reader.add("0123456789a"), ResponseReader::Step::more);             // 30: still allowed
    EXPECT_EQ(reader.add("b"), ResponseReader::Step::too_large);
}

TEST(ResponseReader, StopsAtTheStatusLineWhenThatIsAllItWants) {
    ResponseReader reader(64, true);
    EXPECT_EQ(reader.add("HTTP/1.1 2"), ResponseReader::Step::more);
    EXPECT_EQ(reader.add("02 Accepted\r\nContent-Len"), ResponseReader::Step::done);
    auto r = reader.response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 202);
    EXPECT_EQ(r->body, "");
    // The rest of the answer often comes in the same read: the bound is on the status line alone.
    ResponseReader whole(32, true);
    EXPECT_EQ(whole.add("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x')),
              ResponseReader::Step::done);
    ASSERT_TRUE(whole.response());
    EXPECT_EQ(whole.response()->status, 200);
    // A server that closes after a bare status line still answered.
    ResponseReader bare(64, true);
    EXPECT_EQ(bare.add("HTTP/1.0 500"), ResponseReader::Step::more);
    ASSERT_TRUE(bare.response());
    EXPECT_EQ(bare.response()->status, 500);
    // A status line that never ends within the bound is no answer.
    ResponseReader endless(16, true);
    EXPECT_EQ(endless.add("HTTP/1.1 200 OKOKOKOK"), ResponseReader::Step::too_large);
}

TEST(ResponseReader, SaysWhenWhatCameIsNotHttp) {
    ResponseReader reader(100, false);
    reader.add("SSH-2.0-OpenSSH_9.2\r\n");
    EXPECT_FALSE(reader.response());
    ResponseReader nothing(100, true);
    EXPECT_FALSE(nothing.response());
}

} // namespace
} // namespace hearth::net
