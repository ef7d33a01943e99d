// The relay's web viewer files: what is served for which target, with which headers, and
// what is never served (other types, names outside the directory, other methods' targets).
#include "relay/web_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace telemaint::relay {
namespace {

namespace fs = std::filesystem;

class WebFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tm-web-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Write("index.html", "<!doctype html>");
    Write("app.js", "console.log(1)");
    Write("secret.key", "not served");
    fs::create_directories(dir_ + "/sub");
    Write("sub/inner.js", "not served either");
    std::ofstream(dir_ + "/../tm-web-outside.js") << "outside";
  }
  void TearDown() override {
    fs::remove_all(dir_);
    fs::remove(fs::path(dir_).parent_path() / "tm-web-outside.js");
  }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string dir_;
};

TEST_F(WebFilesTest, ServesTheFilesOfItsDirectoryOnly) {
  auto files = WebFiles::Load(dir_, /*required=*/true);
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(files->size(), 2u);
  ASSERT_NE(files->Find("/"), nullptr);
  EXPECT_EQ(*files->Find("/")->body, "<!doctype html>");
  EXPECT_EQ(files->Find("/?lang=fr"), files->Find("/index.html"));
  ASSERT_NE(files->Find("/app.js"), nullptr);
  EXPECT_EQ(files->Find("/app.js")->content_type, "text/javascript; charset=utf-8");
  for (const char* target : {"/secret.key", "/sub/inner.js", "/../tm-web-outside.js",
                             "/%2e%2e/tm-web-outside.js", "app.js", "/app.js/", "//app.js"})
    EXPECT_EQ(files->Find(target), nullptr) << target;
}

TEST_F(WebFilesTest, EveryFileComesWithAStrictPolicyAndOnlyAssetsAreShared) {
  auto files = WebFiles::Load(dir_, true);
  ASSERT_TRUE(files.ok());
  auto headers = [](const WebFile& f) {
    std::map<std::string, std::string> m;
    for (const auto& [k, v] : WebFiles::SecurityHeaders(f)) m[k] = v;
    return m;
  };
  auto page = headers(*files->Find("/"));
  EXPECT_NE(page["Content-Security-Policy"].find("script-src 'self' 'wasm-unsafe-eval';"),
            std::string::npos);
  EXPECT_EQ(page["X-Frame-Options"], "DENY");
  EXPECT_EQ(page.count("Access-Control-Allow-Origin"), 0u) << "the page is not shared";
  auto script = headers(*files->Find("/app.js"));
  EXPECT_EQ(script["Access-Control-Allow-Origin"], "*") << "a pinned loader loads it";
}

TEST_F(WebFilesTest, AMissingDirectoryIsAnErrorOnlyWhenNamed) {
  EXPECT_FALSE(WebFiles::Load(dir_ + "/none", /*required=*/true).ok());
  auto quiet = WebFiles::Load(dir_ + "/none", /*required=*/false);
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(quiet->size(), 0u);
  EXPECT_EQ(quiet->Find("/"), nullptr);
}

}  // namespace
}  // namespace telemaint::relay
