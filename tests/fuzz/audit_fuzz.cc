// What the auditor's tool reads from a relay or a file it does not trust: record lines, record
// bodies and the session receipts inside them. Nothing crashes, and the verifier stops at the
// first bad record with a problem named.
#include <cstdlib>
#include <string>
#include <vector>

#include "audit/record.h"
#include "audit/sessions.h"
#include "audit/verify.h"
#include "receipt/receipt.h"

using namespace telemaint;

std::vector<std::string> FuzzSeeds() {
  return {R"({"seq":1,"body":"{\"data\":{},\"kind\":\"relay_started\",\"seq\":1,\"session\":\"\",\"time\":1}","hash":"00"})",
          R"({"data":{"technician":"alice"},"kind":"session_start","seq":2,"session":"ab","time":2})",
          R"({"type":"telemaint/v1 session receipt","role":"viewer","session":"ab","transcript":"00","host_key":"","technician_key":"","technician":"a","start":1,"end":2,"permissions":["control"],"ending":"viewer_closed"})"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  audit::VerifyOptions options;
  options.relay_key = Bytes(32, 1);
  audit::Verifier verifier(options);
  audit::SessionIndex index;
  if (auto line = audit::ParseRecordLine(text); line.ok()) {
    if (auto record = verifier.Add(*line)) index.Add(*record);
    if (verifier.Finish().ok()) std::abort();  // nothing is signed by the pinned key
  }
  if (auto body = audit::ParseBody(text); body.ok()) index.Add(*body);
  (void)receipt::ParseReceipt(text);
  (void)receipt::CheckReceipt(text, Bytes(64));
  for (wire::Party role : {wire::Party::kHost, wire::Party::kViewer})
    if (receipt::CheckReceiptFor(text, Bytes(64), role, "ab", "a").ok())
      std::abort();  // a signature of zeros never verifies
  return 0;
}
