#include "core/io/proto_io.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "proto/graph.pb.h"
#include "proto/schedule.pb.h"

namespace tbp {
namespace {

using ::testing::HasSubstr;

proto::Graph Sample() {
  proto::Graph g;
  g.set_name("sample");
  proto::Node* x = g.add_nodes();
  x->set_name("x");
  x->set_kind(proto::Node::INPUT);
  proto::Node* a = g.add_nodes();
  a->set_name("a");
  a->set_kind(proto::Node::COMPUTE);
  a->set_output_bytes(1LL << 40);  // int64 beyond double precision limits in JSON.
  a->set_forward_cost(3);
  a->set_backward_cost(6);
  a->add_inputs("x");
  a->add_inputs("x");
  g.add_outputs("a");
  return g;
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

class RoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(RoundTrip, AllFormatsPreserveTheGraph) {
  const std::string path = TempPath(std::string("g") + GetParam());
  ASSERT_TRUE(WriteProtoFile(path, Sample()).ok());
  proto::Graph back;
  absl::Status s = ReadProtoFile(path, &back);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(Sample(), back))
      << back.DebugString();
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip,
                         ::testing::Values(".textproto", ".pbtxt", ".json", ".pb", ".binpb"));

TEST(ProtoIoTest, JsonUsesTheDeclaredFieldNames) {
  auto json = SerializeProto(Sample(), FileFormat::kJson);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"output_bytes\""));
  EXPECT_THAT(*json, HasSubstr("\"forward_cost\""));
  EXPECT_THAT(*json, HasSubstr("\"COMPUTE\""));
}

TEST(ProtoIoTest, BadInputsAreNamedErrors) {
  proto::Graph g;
  const absl::Status missing = ReadProtoFile("/nonexistent/x.textproto", &g);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()),
              HasSubstr("cannot read file '/nonexistent/x.textproto'"));
  const absl::Status yaml = ReadProtoFile("graph.yaml", &g);
  EXPECT_EQ(yaml.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(yaml.message()), HasSubstr("unknown extension"));
  EXPECT_THAT(std::string(ParseProto("nodes { nam: \"x\" }", FileFormat::kText, "f", &g).message()),
              HasSubstr("line 1"));
  EXPECT_THAT(std::string(ParseProto("{\"nodes\": 3}", FileFormat::kJson, "f", &g).message()),
              HasSubstr("in JSON"));
  std::string binary = Sample().SerializeAsString();
  EXPECT_THAT(std::string(ParseProto(binary.substr(0, binary.size() - 3), FileFormat::kBinary,
                                     "f", &g).message()),
              HasSubstr("truncated or corrupt"));
}

// proto3 `string` fields must hold UTF-8. A file that puts other bytes in
// one is bad input in every format: an error naming the field (with its
// path) and the file, not a silent accept (text), a parser crash, or a
// later failure to write the graph as JSON.
TEST(ProtoIoTest, NonUtf8StringsAreNamedErrors) {
  proto::Graph g;
  // Text format: an escaped byte that is not UTF-8 (0xff), in a node name.
  absl::Status text = ParseProto("nodes { name: \"a\" }\nnodes { name: \"b\\xff\" }",
                                 FileFormat::kText, "file 'g.textproto'", &g);
  EXPECT_EQ(text.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(text.message()),
              AllOf(HasSubstr("file 'g.textproto'"), HasSubstr("nodes[1].name"),
                    HasSubstr("UTF-8")));
  // A lone surrogate and an overlong encoding in the outputs list.
  for (const std::string& bad : {std::string("\\355\\240\\200"), std::string("\\300\\257")}) {
    absl::Status s =
        ParseProto("outputs: \"ok\" outputs: \"" + bad + "\"", FileFormat::kText, "t", &g);
    EXPECT_THAT(std::string(s.message()), HasSubstr("outputs[1]")) << bad;
  }
  // Binary: the same bytes on the wire (field 1 = nodes, field 1 = name).
  const std::string wire = std::string("\x0a\x03\x0a\x01\xff", 5);
  absl::Status binary = ParseProto(wire, FileFormat::kBinary, "file 'g.pb'", &g);
  EXPECT_EQ(binary.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(binary.message()), HasSubstr("file 'g.pb'"));
  // JSON strings are Unicode, but raw bytes in the file are not.
  absl::Status json = ParseProto("{\"nodes\": [{\"name\": \"\xff\"}]}", FileFormat::kJson,
                                 "file 'g.json'", &g);
  EXPECT_EQ(json.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(json.message()), HasSubstr("file 'g.json'"));
  // Valid multi-byte UTF-8 is fine in every format.
  ASSERT_TRUE(ParseProto("nodes { name: \"caf\\303\\251 \\360\\237\\230\\200\" }",
                         FileFormat::kText, "t", &g)
                  .ok());
  EXPECT_EQ(g.nodes(0).name(), "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST(ProtoIoTest, FailedWriteLeavesNoFile) {
  EXPECT_EQ(WriteProtoFile("/nonexistent_dir/out.textproto", Sample()).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(WriteProtoFile(TempPath("out.xml"), Sample()).code(),
            absl::StatusCode::kInvalidArgument);
  std::FILE* f = std::fopen(TempPath("out.xml").c_str(), "r");
  EXPECT_EQ(f, nullptr);
  if (f) std::fclose(f);
}

}  // namespace
// A directory where a file is expected is named as such, on read and on
// write (not read as an empty message).
TEST(ProtoIoTest, ADirectoryIsNotAFile) {
  proto::Graph g;
  const std::string sub = TempPath("adir.pb");
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  const absl::Status read = ReadProtoFile(sub, &g);
  EXPECT_EQ(read.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(read.message()), HasSubstr("'" + sub + "' is a directory"));
  const absl::Status write = WriteProtoFile(sub, Sample());
  EXPECT_EQ(write.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(write.message()), HasSubstr("is a directory"));
}

// The temporary file has a short name, so a final name near the file-name
// limit (NAME_MAX = 255) is written; nothing but the output is left.
TEST(ProtoIoTest, LongNamesWriteAndNoTemporaryIsLeft) {
  const std::string dir = TempPath("long_names");
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  const std::string name = std::string(250, 'g') + ".pb";  // 253 characters.
  ASSERT_TRUE(WriteProtoFile(dir + "/" + name, Sample()).ok());
  proto::Graph back;
  ASSERT_TRUE(ReadProtoFile(dir + "/" + name, &back).ok());
  EXPECT_EQ(back.nodes_size(), Sample().nodes_size());
  std::vector<std::string> entries;
  DIR* d = ::opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  while (const dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n != "." && n != "..") entries.push_back(n);
  }
  ::closedir(d);
  EXPECT_THAT(entries, ::testing::ElementsAre(name));
}

}  // namespace tbp
