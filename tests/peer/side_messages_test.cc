// Beside the screen: the decoders' bounds, the names a received file may get, where it lands,
// and that a file is whole under its final name or not there at all.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "host/clipboard.h"
#include "peer/file_names.h"
#include "peer/side_messages.h"

namespace telemaint::peer {
namespace {

// A fresh directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string base = ::testing::TempDir() + "/side-XXXXXX";
    path_ = mkdtemp(base.data()) ? base : "";
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SideMessagesTest, Utf8IsCheckedStrictly) {
  EXPECT_TRUE(IsValidUtf8("Café crème — ✓ 🎉"));
  EXPECT_FALSE(IsValidUtf8("caf\xe9"));           // Latin-1, not UTF-8
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x8e"));      // cut short
}

TEST(SideMessagesTest, ClipboardIsBoundedAndTextOnly) {
  auto ok = DecodeClipboard(EncodeClipboard({Selection::kPrimary, "Ça marche 👍"}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->selection, Selection::kPrimary);
  EXPECT_EQ(ok->text, "Ça marche 👍");
  EXPECT_FALSE(DecodeClipboard(EncodeClipboard({Selection::kClipboard, "caf\xe9"})));
  EXPECT_FALSE(DecodeClipboard(
      EncodeClipboard({Selection::kClipboard, std::string(kMaxClipboardBytes + 1, 'a')})));
  Bytes bad_selection = EncodeClipboard({Selection::kClipboard, "x"});
  bad_selection[0] = 7;
  EXPECT_FALSE(DecodeClipboard(bad_selection));
}

TEST(SideMessagesTest, FileMessagesRefuseWhatIsOutOfBounds) {
  EXPECT_TRUE(DecodeFileOffer(EncodeFileOffer({3, "rapport.pdf", 1234})));
  EXPECT_FALSE(DecodeFileOffer(EncodeFileOffer({0, "a", 1})));  // id 0 is no id
  EXPECT_FALSE(DecodeFileOffer(EncodeFileOffer({3, "a", kMaxFileBytes + 1})));
  EXPECT_FALSE(DecodeFileOffer(EncodeFileOffer({3, std::string(kMaxOfferedName + 1, 'a'), 1})));
  EXPECT_FALSE(DecodeFileOffer({{"type", "file_offer"}, {"id", 3}, {"name", "a"}, {"size", -1}}));
  EXPECT_FALSE(DecodeFileEnd({{"type", "file_end"}, {"id", 3}, {"sha256", "XYZ"}}));
  EXPECT_TRUE(DecodeFileEnd(EncodeFileEnd({3, std::string(64, 'a')})));
  auto cancel = DecodeFileCancel({{"type", "file_cancel"}, {"id", 3}, {"why", "exploded"}});
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->why, wire::TransferEvent::kFailed);  // an unknown word: it did not arrive
  EXPECT_FALSE(DecodeChat(EncodeChat(std::string(kMaxChatBytes + 1, 'a'))));
  EXPECT_FALSE(DecodeChat(EncodeChat("")));
  Bytes piece = EncodeFilePieceHeader(7);
  EXPECT_FALSE(DecodeFilePiece(piece));  // no bytes
  piece.push_back('x');
  ASSERT_TRUE(DecodeFilePiece(piece));
  EXPECT_EQ(DecodeFilePiece(piece)->id, 7u);
}

TEST(SideMessagesTest, ChatTextKeepsNewLinesOnlyWhereTheyCannotPoseAsASpeaker) {
  EXPECT_EQ(ChatText("a\x1b[31mb\nc\x7f"), "a [31mb\nc ");
  EXPECT_EQ(OneLine("ok\nYou: I agree"), "ok You: I agree");
}

TEST(FileNamesTest, HostileNamesBecomePlainNamesInsideTheFolder) {
  EXPECT_EQ(SafeFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(SafeFileName("..\\..\\Windows\\evil.exe"), "evil.exe");
  EXPECT_EQ(SafeFileName(".."), "file");
  EXPECT_EQ(SafeFileName("."), "file");
  EXPECT_EQ(SafeFileName("/"), "file");
  EXPECT_EQ(SafeFileName(".bashrc"), "_bashrc");
  EXPECT_EQ(SafeFileName("a\nb\x1b[31m.txt"), "a_b_[31m.txt");
  EXPECT_EQ(SafeFileName("caf\xe9.txt"), "caf_.txt");
  EXPECT_EQ(SafeFileName("Rapport d’été.pdf"), "Rapport d’été.pdf");
  const std::string longest = SafeFileName(std::string(5000, 'e') + ".tar.gz");
  EXPECT_LE(longest.size(), kMaxSafeName);
  EXPECT_EQ(longest.substr(longest.size() - 3), ".gz");
  EXPECT_LE(SafeFileName(std::string(300, 'a') + "é").size(), kMaxSafeName);
  EXPECT_TRUE(IsValidUtf8(SafeFileName(std::string(199, 'a') + "é")));
}

TEST(FileNamesTest, DownloadsFolderIsTheOneXdgNames) {
  TempDir home;
  std::filesystem::create_directories(home / ".config");
  std::ofstream(home / ".config/user-dirs.dirs")
      << "# comment\nXDG_DESKTOP_DIR=\"$HOME/Bureau\"\nXDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n";
  setenv("HOME", home.path().c_str(), 1);
  unsetenv("XDG_CONFIG_HOME");
  EXPECT_EQ(DownloadsDirectory(), home / "Téléchargements");
  std::ofstream(home / ".config/user-dirs.dirs") << "XDG_DOWNLOAD_DIR=\"$HOME/\"\n";
  EXPECT_EQ(DownloadsDirectory(), home / "Downloads");  // the home itself: not a downloads folder
}

TEST(FileNamesTest, AFileIsWholeUnderItsNameOrNotThereAndNeverOverwrites) {
  TempDir dir;
  std::ofstream(dir / "report.txt") << "the customer's own";
  auto file = IncomingFile::Create(dir.path(), "report.txt", 5);
  ASSERT_TRUE(file.ok()) << file.status().message();
  ASSERT_TRUE(file->Write(AsBytes(std::string_view("hello"))).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "report (2).txt"));  // not before it is whole
  auto path = file->Finish();
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, dir / "report (2).txt");
  EXPECT_EQ(ReadFile(dir / "report.txt"), "the customer's own");
  EXPECT_EQ(ReadFile(*path), "hello");

  {
    auto abandoned = IncomingFile::Create(dir.path(), "half.bin", 10);
    ASSERT_TRUE(abandoned.ok());
    ASSERT_TRUE(abandoned->Write(AsBytes(std::string_view("half"))).ok());
  }  // the session ended mid-file
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename().string().find(".telemaint-"), std::string::npos);
  }
  EXPECT_EQ(entries, 2u);  // report.txt and report (2).txt: no part, no half.bin
}

TEST(FileNamesTest, ASymlinkedFolderIsNotWrittenThrough) {
  TempDir dir;
  std::filesystem::create_directories(dir / "elsewhere");
  std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "Downloads");
  EXPECT_FALSE(IncomingFile::Create(dir / "Downloads", "a.txt", 1).ok());
}

TEST(ClipboardTextTest, Latin1ForRfbClients) {
  EXPECT_EQ(host::Utf8ToLatin1("Café 🎉"), "Caf\xe9 ?");
  EXPECT_EQ(host::Latin1ToUtf8("Cr\xe8me"), "Crème");
}

}  // namespace
}  // namespace telemaint::peer
