// The inventory reports what the machine's files and kernel say, stays small and printable
// whatever they contain, and warns about full disks. No child processes here (run_commands is
// false throughout): unit tests run no external programs.
#include "inventory/inventory.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace telemaint::inventory {
namespace {

using nlohmann::json;

// A directory standing in for "/", removed afterwards.
class FakeRoot {
 public:
  FakeRoot() {
    char pattern[] = "/tmp/inventory_test.XXXXXX";
    const char* dir = mkdtemp(pattern);
    if (dir == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = dir ? dir : "/nonexistent";
  }
  ~FakeRoot() { std::filesystem::remove_all(path_); }

  void Write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path file = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }
  InventoryOptions Options() const { return {.root = path_, .run_commands = false}; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void WriteTypicalMachine(const FakeRoot& root) {
  root.Write("etc/os-release",
             "# comment\nNAME=\"Fake Linux\"\nPRETTY_NAME=\"Fake Linux 12 (test)\"\n"
             "ID=fakelinux\nVERSION_ID=\"12\"\n");
  root.Write("etc/hostname", "fakehost\n");
  std::string cpuinfo;
  for (int i = 0; i < 3; ++i) {
    cpuinfo += "processor\t: " + std::to_string(i) +
               "\nvendor_id\t: GenuineFake\nmodel name\t: Fake CPU " + std::to_string(i) +
               " @ 2.00GHz\nflags\t\t: fpu vme\n\n";
  }
  root.Write("proc/cpuinfo", cpuinfo);
  root.Write("proc/meminfo",
             "MemTotal:       16318480 kB\nMemFree:         1000000 kB\n"
             "MemAvailable:    8000000 kB\nBuffers:          100000 kB\n");
  root.Write("proc/uptime", "12345.67 23456.78\n");
  root.Write("proc/self/mounts",
             "/dev/sda1 / ext4 rw,relatime 0 0\ntmpfs /run tmpfs rw,nosuid 0 0\n");
  root.Write("proc/sys/kernel/osrelease", "6.1.0-fake-amd64\n");
}

bool IsPrintable(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

TEST(Inventory, FakeRootFieldsComeFromItsFiles) {
  FakeRoot root;
  WriteTypicalMachine(root);
  const auto before = static_cast<std::int64_t>(std::time(nullptr));
  const json inventory = CollectInventory(root.Options());
  const auto after = static_cast<std::int64_t>(std::time(nullptr));

  EXPECT_EQ(inventory["os"]["name"], "Fake Linux 12 (test)");
  EXPECT_EQ(inventory["os"]["id"], "fakelinux");
  EXPECT_EQ(inventory["os"]["version"], "12");
  EXPECT_EQ(inventory["os"]["kernel"], "6.1.0-fake-amd64");
  EXPECT_EQ(inventory["hostname"], "fakehost");
  EXPECT_EQ(inventory["cpu"]["model"], "Fake CPU 0 @ 2.00GHz");
  EXPECT_EQ(inventory["cpu"]["cores"], 3);
  EXPECT_EQ(inventory["memory"]["total_bytes"], 16318480ULL * 1024);
  EXPECT_EQ(inventory["memory"]["available_bytes"], 8000000ULL * 1024);
  EXPECT_EQ(inventory["uptime_s"], 12345);
  ASSERT_EQ(inventory["disks"].size(), 1u);  // the tmpfs is not a disk
  EXPECT_EQ(inventory["disks"][0]["mount"], "/");
  EXPECT_EQ(inventory["disks"][0]["fs"], "ext4");
  EXPECT_GT(inventory["disks"][0]["total_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(inventory["addresses"], json::array());  // only the live system has interfaces
  EXPECT_EQ(inventory["users"], json::array());
  EXPECT_EQ(inventory["health"]["failed_units"], json::array());
  EXPECT_TRUE(inventory["health"]["security_updates"].is_null());
  // The real /tmp under the fake root may be full or not; the rule itself is tested below.
  EXPECT_EQ(inventory["health"]["warnings"], json(DiskWarnings(inventory["disks"])));
  EXPECT_GE(inventory["collected_at"].get<std::int64_t>(), before);
  EXPECT_LE(inventory["collected_at"].get<std::int64_t>(), after);
}

TEST(Inventory, EmptyTreeGivesEmptyValuesNotErrors) {
  FakeRoot root;
  const json inventory = CollectInventory(root.Options());
  EXPECT_EQ(inventory["os"]["name"], "");
  EXPECT_EQ(inventory["os"]["kernel"], "");
  EXPECT_EQ(inventory["hostname"], "");
  EXPECT_EQ(inventory["cpu"]["cores"], 0);
  EXPECT_EQ(inventory["memory"]["total_bytes"], 0);
  EXPECT_EQ(inventory["uptime_s"], 0);
  EXPECT_EQ(inventory["disks"], json::array());
  EXPECT_EQ(inventory["health"]["warnings"], json::array());
  EXPECT_EQ(InventorySummary(inventory), "");
}

std::uint64_t MemTotalFromProc() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  while (meminfo >> key >> kb) {
    if (key == "MemTotal:") return kb;
    meminfo.ignore(1 << 20, '\n');
  }
  return 0;
}

long ProcessorLinesInProc() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  long count = 0;
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("processor", 0) == 0 && line.find(':') != std::string::npos) ++count;
  }
  return count;
}

TEST(Inventory, LiveMachineMatchesWhatTheKernelSays) {
  const json inventory = CollectInventory({.root = "/", .run_commands = false});
  char hostname[256] = {};
  ASSERT_EQ(gethostname(hostname, sizeof hostname - 1), 0);
  EXPECT_EQ(inventory["hostname"], hostname);
  utsname u{};
  ASSERT_EQ(uname(&u), 0);
  EXPECT_EQ(inventory["os"]["kernel"], u.release);
  const long cores = inventory["cpu"]["cores"].get<long>();
  EXPECT_TRUE(cores == sysconf(_SC_NPROCESSORS_CONF) || cores == ProcessorLinesInProc()) << cores;
  EXPECT_EQ(inventory["memory"]["total_bytes"].get<std::uint64_t>(), MemTotalFromProc() * 1024);
  EXPECT_FALSE(inventory["os"]["name"].get<std::string>().empty());
  EXPECT_TRUE(inventory["health"]["security_updates"].is_null());
  EXPECT_LT(inventory.dump().size(), 16384u);
  for (const auto& address : inventory["addresses"]) {
    const std::string a = address.get<std::string>();
    EXPECT_NE(a, "127.0.0.1");
    EXPECT_NE(a, "::1");
    EXPECT_NE(a.rfind("fe80:", 0), 0u) << a;
  }
}

json Disk(const std::string& mount, std::uint64_t total, std::uint64_t free) {
  return {{"mount", mount}, {"fs", "ext4"}, {"total_bytes", total}, {"free_bytes", free}};
}

TEST(Inventory, DiskAtNinetyPercentWarnsAndAtEightyNineDoesNot) {
  const json disks = json::array({Disk("/", 1000, 100),      // 90% exactly
                                  Disk("/home", 1000, 110),  // 89%
                                  Disk("/var", 1000, 101),   // 89.9%: not yet 90
                                  Disk("/srv", 1000, 70),    // 93%
                                  Disk("/full", 1000, 0), Disk("/unknown", 0, 0)});
  EXPECT_EQ(DiskWarnings(disks),
            (std::vector<std::string>{"disk / is 90% full", "disk /srv is 93% full",
                                      "disk /full is 100% full"}));
  EXPECT_TRUE(DiskWarnings(json("not disks")).empty());
  EXPECT_TRUE(DiskWarnings(json::array({json(7), json::object()})).empty());
}

TEST(Inventory, SummaryNamesTheOsCoresMemoryRootDiskAndUptime) {
  json inventory = {{"os", {{"name", "Debian GNU/Linux 12 (bookworm)"}, {"id", "debian"}}},
                    {"cpu", {{"model", "x"}, {"cores", 4}}},
                    {"memory", {{"total_bytes", 8160437862ULL}}},
                    {"disks", json::array({Disk("/boot", 100, 1), Disk("/", 1000, 550)})},
                    {"uptime_s", 3 * 86400 + 4 * 3600 + 59},
                    {"health", {{"warnings", json::array({"disk /boot is 99% full"})}}}};
  const std::string summary = InventorySummary(inventory);
  EXPECT_NE(summary.find("Debian GNU/Linux 12 (bookworm)"), std::string::npos) << summary;
  EXPECT_NE(summary.find("4 cores"), std::string::npos) << summary;
  EXPECT_EQ(summary,
            "Debian GNU/Linux 12 (bookworm) \u00b7 4 cores \u00b7 7.6 GiB RAM \u00b7 / 45% used "
            "\u00b7 up 3 d 4 h \u00b7 1 warning");
}

TEST(Inventory, SummaryLeavesOutWhatIsMissingOrMalformed) {
  EXPECT_EQ(InventorySummary(json()), "");
  EXPECT_EQ(InventorySummary(json::array({1, 2})), "");
  EXPECT_EQ(InventorySummary({{"os", 5},
                              {"cpu", {{"cores", -4}}},
                              {"disks", "none"},
                              {"memory", {{"total_bytes", "lots"}}},
                              {"uptime_s", 2.5}}),
            "");
  EXPECT_EQ(InventorySummary({{"os", {{"id", "alpine"}, {"version", "3.19"}}},
                              {"cpu", {{"cores", 1}}},
                              {"uptime_s", 600}}),
            "alpine 3.19 \u00b7 1 core \u00b7 up 10 min");
  // Another machine's name cannot put escape sequences on the technician's terminal.
  EXPECT_EQ(InventorySummary({{"os", {{"name", "evil\x1b[2Jname"}}}}), "evil?[2Jname");
}

TEST(Inventory, ControlCharactersAreReplacedAndLongStringsCut) {
  FakeRoot root;
  WriteTypicalMachine(root);
  std::string accents = "v";
  for (int i = 0; i < 150; ++i) accents += "\xc3\xa9";  // é, two bytes each
  root.Write("etc/os-release", "PRETTY_NAME=\"A\x1b" + std::string(300, 'x') +
                                   "\"\nID=\"\xff\x7f\tid\"\nVERSION_ID=\"" + accents + "\"\n");
  const json inventory = CollectInventory(root.Options());
  const std::string name = inventory["os"]["name"];
  EXPECT_EQ(name.size(), 200u);
  EXPECT_EQ(name.substr(0, 3), "A?x");
  EXPECT_TRUE(IsPrintable(name));
  EXPECT_EQ(inventory["os"]["id"], "???id");  // not UTF-8, DEL, tab
  // Cut between two-byte characters, never inside one.
  const std::string version = inventory["os"]["version"];
  EXPECT_EQ(version.size(), 199u);
  EXPECT_EQ(version.back(), '\xa9');
  EXPECT_NO_THROW(inventory.dump());
}

TEST(Inventory, DisksAreRealFilesystemsOncePerMountPointAndAtMost32) {
  FakeRoot root;
  WriteTypicalMachine(root);
  std::ostringstream mounts;
  mounts << "/dev/sda1 / ext4 rw 0 0\n"
         << "proc /proc proc rw 0 0\n"
         << "/dev/sdb1 /mnt/my\\040disk ext4 rw 0 0\n"
         << "/dev/sdb1 /mnt/my\\040disk xfs rw 0 0\n"
         << "overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0\n"
         << "server:/export /net nfs4 rw 0 0\n"
         << "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n";
  for (int i = 0; i < 40; ++i) mounts << "/dev/vd" << i << " /data/" << i << " xfs rw 0 0\n";
  root.Write("proc/self/mounts", mounts.str());
  const json disks = CollectInventory(root.Options())["disks"];

  ASSERT_EQ(disks.size(), 32u);
  EXPECT_EQ(disks[0]["mount"], "/");
  EXPECT_EQ(disks[1]["mount"], "/mnt/my disk");
  EXPECT_EQ(disks[1]["fs"], "xfs");  // the later mount hides the earlier one
  EXPECT_EQ(disks[2]["mount"], "/net");
  EXPECT_EQ(disks[2]["total_bytes"], 0);  // NFS is only asked through a child process
  EXPECT_EQ(disks[3]["mount"], "/data/0");
  std::set<std::string> seen;
  for (const auto& d : disks)
    EXPECT_TRUE(seen.insert(d["mount"].get<std::string>()).second) << d["mount"];
}

TEST(Inventory, TrimmingDropsTrailingEntriesUntilTheDumpFits) {
  const std::string quotes(199, '"');  // each dumps as two bytes
  json inventory = {{"os", {{"name", "x"}}},
                    {"disks", json::array()},
                    {"addresses", json::array()},
                    {"health", {{"warnings", json::array()}}}};
  for (int i = 0; i < 32; ++i) {
    inventory["disks"].push_back(Disk("/" + std::to_string(i) + quotes, 1, 1));
    inventory["addresses"].push_back(std::to_string(i) + quotes);
    inventory["health"]["warnings"].push_back(std::to_string(i) + quotes);
  }
  ASSERT_GT(inventory.dump().size(), kMaxInventoryBytes);
  TrimInventory(inventory);
  EXPECT_LT(inventory.dump().size(), kMaxInventoryBytes);
  EXPECT_LT(inventory["disks"].size(), 32u);
  EXPECT_GT(inventory["disks"].size(), 0u);
  EXPECT_EQ(inventory["disks"][0]["mount"], "/0" + quotes);  // the first entries stay
  EXPECT_EQ(inventory["os"]["name"], "x");
}

}  // namespace
}  // namespace telemaint::inventory
