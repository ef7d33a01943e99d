// FileTransfers between two ends joined by a loopback channel (no relay, no crypto: those are
// the tunnel's, tested apart), and a receiver fed hostile sequences by hand: more bytes than
// announced, an end before the last byte, a wrong digest, a cancel, the session's end. Each
// fails that transfer with a sentence and leaves no file, whole or partial, behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "crypto/digest.h"
#include "peer/channel_link.h"
#include "peer/file_transfers.h"
#include "peer/side_messages.h"

namespace telemaint::peer {
namespace {

namespace fs = std::filesystem;
using namespace net;

// Messages from one end, handed to the other end on the same io_context (in order).
class Loopback : public TransferChannel {
 public:
  explicit Loopback(asio::io_context& io) : io_(io) {}
  FileTransfers* peer = nullptr;
  std::vector<nlohmann::json> sent;
  bool SendSessionMessage(const nlohmann::json& m) override {
    sent.push_back(m);
    if (peer) asio::post(io_, [this, m] { peer->OnMessage(m); });
    return true;
  }
  asio::awaitable<bool> SendInner(uint8_t type, ByteView payload) override {
    Bytes copy(payload.begin(), payload.end());
    if (peer && type == kInnerFileData) asio::post(io_, [this, copy] { peer->OnPiece(copy); });
    co_return true;
  }

 private:
  asio::io_context& io_;
};

class FileTransfersTest : public ::testing::Test {
 protected:
  FileTransfersTest() {
    std::string base = ::testing::TempDir() + "/transfers-XXXXXX";
    dir_ = mkdtemp(base.data()) ? base : "";
    fs::create_directories(dir_ + "/in");
  }
  ~FileTransfersTest() override { fs::remove_all(dir_); }
  FileTransfers::Hooks Hooks(std::vector<TransferView>* seen, bool accept) {
    return {[accept](const TransferView&, std::function<void(bool)> answer) { answer(accept); },
            [seen](const TransferView& t) { seen->push_back(t); }, nullptr};
  }
  std::string Write(const std::string& name, size_t size) {
    std::string path = dir_ + "/" + name, data(size, '\0');
    for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>(i * 131 + i / 7);
    std::ofstream(path, std::ios::binary) << data;
    return path;
  }
  std::vector<std::string> Received() {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_ + "/in")) names.push_back(e.path().filename());
    return names;
  }
  asio::io_context io_;
  std::string dir_;
};

TEST_F(FileTransfersTest, AFileCrossesWholeWithTheSameDigestOnBothSides) {
  Loopback to_host(io_), to_viewer(io_);
  std::vector<TransferView> viewer_seen, host_seen;
  FileTransfers viewer(to_host, io_.get_executor(), wire::Party::kViewer, dir_ + "/unused",
                       Hooks(&viewer_seen, true));
  FileTransfers host(to_viewer, io_.get_executor(), wire::Party::kHost, dir_ + "/in",
                     Hooks(&host_seen, true));
  to_host.peer = &host;
  to_viewer.peer = &viewer;
  const std::string path = Write("setup.bin", 1'000'003);  // not a whole number of pieces
  ASSERT_TRUE(viewer.Offer(path).ok());
  io_.run();
  ASSERT_FALSE(host_seen.empty());
  EXPECT_EQ(host_seen.back().state, TransferState::kCompleted) << host_seen.back().detail;
  EXPECT_EQ(viewer_seen.back().state, TransferState::kCompleted) << viewer_seen.back().detail;
  std::ifstream in(dir_ + "/in/setup.bin", std::ios::binary);
  std::string got((std::istreambuf_iterator<char>(in)), {});
  std::ifstream original(path, std::ios::binary);
  std::string want((std::istreambuf_iterator<char>(original)), {});
  EXPECT_EQ(got, want);
  EXPECT_EQ(host_seen.back().sha256, ToHex(crypto::Sha256(AsBytes(std::string_view(want)))));
  EXPECT_EQ(viewer_seen.back().sha256, host_seen.back().sha256);
}

// A receiver (the host) fed by hand, as a hostile viewer would.
class HostileSenderTest : public FileTransfersTest {
 protected:
  HostileSenderTest()
      : receiver_(channel_, io_.get_executor(), wire::Party::kHost, dir_ + "/in",
                  Hooks(&seen_, true)) {}
  void Offer(uint64_t size) {
    ASSERT_TRUE(receiver_.OnMessage(EncodeFileOffer({2, "report.txt", size})));
    io_.run();
    io_.restart();
  }
  void Piece(const std::string& bytes) {
    Bytes payload = EncodeFilePieceHeader(2);
    payload.insert(payload.end(), bytes.begin(), bytes.end());
    receiver_.OnPiece(payload);
  }
  std::string Digest(const std::string& s) {
    return ToHex(crypto::Sha256(AsBytes(std::string_view(s))));
  }
  void ExpectFailedLeavingNothing(const std::string& why) {
    ASSERT_FALSE(seen_.empty());
    EXPECT_EQ(seen_.back().state, TransferState::kFailed);
    EXPECT_NE(seen_.back().detail.find(why), std::string::npos) << seen_.back().detail;
    EXPECT_TRUE(Received().empty());  // no final name, no temporary
    auto cancel = DecodeFileCancel(channel_.sent.back());
    ASSERT_TRUE(cancel) << channel_.sent.back().dump();  // the sender is told why
  }
  Loopback channel_{io_};
  std::vector<TransferView> seen_;
  FileTransfers receiver_;
};

TEST_F(HostileSenderTest, MoreBytesThanAnnounced) {
  Offer(4);
  Piece("hello");
  ExpectFailedLeavingNothing("more than the size it announced");
}

TEST_F(HostileSenderTest, AnEndBeforeTheLastByte) {
  Offer(10);
  Piece("hello");
  receiver_.OnMessage(EncodeFileEnd({2, Digest("hello")}));
  ExpectFailedLeavingNothing("stopped at 5 of 10 bytes");
}

TEST_F(HostileSenderTest, AWrongDigest) {
  Offer(5);
  Piece("hello");
  receiver_.OnMessage(EncodeFileEnd({2, Digest("HELLO")}));
  ExpectFailedLeavingNothing("SHA-256 does not match");
}

TEST_F(HostileSenderTest, TheSessionEndsMidFile) {
  Offer(10);
  Piece("hello");
  receiver_.EndAll("the session ended");
  ASSERT_FALSE(seen_.empty());
  EXPECT_EQ(seen_.back().state, TransferState::kFailed);
  EXPECT_TRUE(Received().empty());
}

TEST_F(HostileSenderTest, PiecesOfAnUnknownOrRefusedTransferAreIgnored) {
  Piece("never offered");
  EXPECT_TRUE(Received().empty());
  EXPECT_TRUE(seen_.empty());
  // Its own id space: an offer with the host's parity is refused without asking.
  ASSERT_TRUE(receiver_.OnMessage(EncodeFileOffer({3, "a", 1})));
  auto answer = DecodeFileAnswer(channel_.sent.back());
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->accept);
}

TEST_F(HostileSenderTest, AZeroLengthFileArrivesEmpty) {
  Offer(0);
  receiver_.OnMessage(EncodeFileEnd({2, Digest("")}));
  ASSERT_FALSE(seen_.empty());
  EXPECT_EQ(seen_.back().state, TransferState::kCompleted) << seen_.back().detail;
  EXPECT_EQ(Received(), std::vector<std::string>{"report.txt"});
  EXPECT_EQ(fs::file_size(dir_ + "/in/report.txt"), 0u);
}

TEST_F(HostileSenderTest, AHugeClaimedSizeIsRefusedForLackOfSpace) {
  Offer(uint64_t{1} << 41);  // 2 TiB: no test machine has it free
  ASSERT_FALSE(seen_.empty());
  EXPECT_EQ(seen_.back().state, TransferState::kFailed);
  EXPECT_NE(seen_.back().detail.find("not enough free space"), std::string::npos);
  EXPECT_TRUE(Received().empty());
}

}  // namespace
}  // namespace telemaint::peer
