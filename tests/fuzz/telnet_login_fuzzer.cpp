// libFuzzer entry point for what a telnet server says to otto
// (transport/telnet/telnet_conversation, SESSION-PROTOCOL §11): option
// negotiation, login prompts, the answer to the credentials and the shell's
// first bytes. Whatever the server sends, and whenever the waits run out,
// the login must come to one verdict, type only the credentials, in order,
// until it has one, and never quote the password unless the server said it.
//
// Input: 1 option byte, then what happens, record by record.
//   [0] bits 0-1: the login (Shape): user and password; user only; no
//                 login step; user, password and a shell of otto's choice
//       bit 2:    prompts configured as "(?i)user(name)?:" and "(?i)pass"
//       bit 3:    a login shell answers each probe otto types for it
//                 (the probe's word is random: the input cannot know it)
//   then records: a byte n > 0 and n bytes the server sends, as one read;
//   or 0 and a byte saying which waits under way run out now: bit 0 the
//   phase's, bit 1 the login shell probe's, bit 2 the quiet one.
// After the last record, time passes until the login has its verdict.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.hpp"
#include "otto.h"
#include "session/markers.hpp"
#include "transport/telnet/telnet_conversation.hpp"

namespace {

using otto::TelnetConversation;
using otto_fuzz::require;
using Wait = TelnetConversation::Wait;

constexpr size_t kHeader = 1;
constexpr const char *kUser = "operator";
constexpr const char *kPassword = "Pw9-Zq";

enum class Shape { UserAndPassword, UserOnly, NoLogin, ChosenShell };

otto::HostConfig config_for(uint8_t option) {
    otto::HostConfig config;
    config.kind = OTTO_HOST_TELNET;
    config.address = "127.0.0.1";
    config.port = 23;
    config.user = kUser;
    config.password = kPassword;
    switch (static_cast<Shape>(option & 3)) {
        case Shape::UserAndPassword: break;
        case Shape::UserOnly: config.password.clear(); break;
        case Shape::NoLogin: config.telnet.login = false; break;
        case Shape::ChosenShell: config.shell_argv = {"/bin/sh", "-i"}; break;
    }
    if (option & 4) {
        config.telnet.login_prompt = "(?i)user(name)?:\\s*$";
        config.telnet.password_prompt = "(?i)pass(word)?:?\\s*$";
    }
    return config;
}

// Parses telnet bytes as the other end would: the data in them, and
// whether they broke the protocol.
class TelnetParser {
public:
    TelnetParser() : telnet_(telnet_init(nullptr, &TelnetParser::on_event, 0, this), telnet_free) {}
    void feed(std::string_view bytes) { telnet_recv(telnet_.get(), bytes.data(), bytes.size()); }
    const std::string &data() const { return data_; }
    bool broken() const { return broken_; }

private:
    static void on_event(telnet_t *, telnet_event_t *event, void *user) {
        auto *self = static_cast<TelnetParser *>(user);
        if (event->type == TELNET_EV_DATA) self->data_.append(event->data.buffer, event->data.size);
        if (event->type == TELNET_EV_ERROR) self->broken_ = true;
    }

    std::unique_ptr<telnet_t, void (*)(telnet_t *)> telnet_;
    std::string data_;
    bool broken_ = false;
};

// Plays the transport: records what the conversation sends, times nothing
// (the input says when waits run out) and keeps its verdict.
class Recorder final : public TelnetConversation::Owner {
public:
    void send_bytes(std::string bytes) override {
        require(!bytes.empty());
        sent.feed(bytes);
        require(!sent.broken());  // otto speaks valid telnet
    }
    void start_wait(Wait wait, double seconds) override {
        require(seconds > 0);
        require(!logged_in_ && !failed);  // a verdict ends every wait
        armed.insert(wait);
    }
    void stop_wait(Wait wait) override { armed.erase(wait); }
    void logged_in(std::string early_bytes) override {
        require(!logged_in_ && !failed);
        logged_in_ = true;
        typed_at_verdict = sent.data().size();
        shell += early_bytes;
    }
    void login_failed(otto::Error error) override {
        require(!logged_in_ && !failed);
        failed = true;
        typed_at_verdict = sent.data().size();
        messages.push_back(error.message);
        require(error.code == OTTO_ETIMEDOUT || error.code == OTTO_EAUTH);
    }
    void shell_bytes(std::string_view bytes) override {
        require(logged_in_);
        shell += bytes;
    }
    void refused_after_login(std::string message) override {
        require(logged_in_ && !refused_later);
        refused_later = true;
        messages.push_back(std::move(message));
    }
    void protocol_error(std::string message) override { messages.push_back(std::move(message)); }

    bool decided() const { return logged_in_ || failed; }
    bool logged_in() const { return logged_in_; }

    TelnetParser sent;
    std::set<Wait> armed;
    bool failed = false;
    bool refused_later = false;
    size_t typed_at_verdict = 0;
    std::string shell;
    std::vector<std::string> messages;

private:
    bool logged_in_ = false;
};

// What otto may type before its verdict: the credentials, in order, each
// once, then (with a shell of its choice) only the probes for the login
// shell, "echo <8 hex>''<8 hex>" and a CR.
void check_typed_before_verdict(std::string_view typed, const otto::HostConfig &config) {
    std::string credentials;
    if (config.telnet.login) {
        credentials = config.user + "\r\n";
        if (!config.password.empty()) credentials += config.password + "\r\n";
    }
    if (typed.size() <= credentials.size()) {
        require(credentials.substr(0, typed.size()) == typed);
        return;
    }
    require(typed.substr(0, credentials.size()) == credentials);
    require(!config.shell_argv.empty());
    std::string_view probes = typed.substr(credentials.size());
    constexpr size_t kProbe = 5 + 8 + 2 + 8 + 1;
    require(probes.size() % kProbe == 0);
    for (size_t at = 0; at < probes.size(); at += kProbe) {
        std::string_view probe = probes.substr(at, kProbe);
        require(probe.substr(0, 5) == "echo " && probe.substr(13, 2) == "''" && probe.back() == '\r');
        require(probe.substr(5, 8) == probe.substr(15, 8));
    }
}

// Whether the server's data holds `secret` as an error message could quote
// it: as the bytes came (a timeout's last output), or without CSI sequences
// and CRs (a refusal's excerpt). Bytes outside printable ASCII are left out
// either way, which can only make a quote more likely.
bool said(std::string_view data, std::string_view secret) {
    std::string raw, clean;
    for (size_t i = 0; i < data.size();) {
        size_t after = otto::skip_csi(data, i);
        bool in_csi = after != i;
        for (size_t end = in_csi ? after : i + 1; i < end; ++i) {
            unsigned char c = static_cast<unsigned char>(data[i]);
            if (c <= 0x20 || c >= 0x7f) continue;
            raw.push_back(static_cast<char>(c));
            if (!in_csi) clean.push_back(static_cast<char>(c));
        }
    }
    return raw.find(secret) != std::string::npos || clean.find(secret) != std::string::npos;
}

// A login shell's answer to the probes typed since the last answer: the
// echoed word, then a prompt.
void answer_probes(TelnetConversation &conversation, Recorder &recorder, size_t &answered) {
    const std::string typed = recorder.sent.data();
    for (size_t at = typed.find("echo ", answered); at != std::string::npos; at = typed.find("echo ", at + 1)) {
        size_t end = typed.find('\r', at);
        if (end == std::string::npos) break;
        std::string word = typed.substr(at + 5, end - at - 5);
        size_t quotes = word.find("''");
        if (quotes != std::string::npos) word.erase(quotes, 2);
        answered = end;
        conversation.receive(word + "\r\n$ ");
        if (recorder.decided()) return;
    }
}

void expire(TelnetConversation &conversation, Recorder &recorder, Wait wait) {
    if (recorder.armed.erase(wait) == 0) return;
    conversation.wait_over(wait);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    otto_fuzz::FuzzInput input(data, size, kHeader);
    const otto::HostConfig config = config_for(input.option(0));
    Recorder recorder;
    TelnetConversation conversation(config, recorder);
    require(conversation.where() == "telnet operator@127.0.0.1:23");
    conversation.start();

    TelnetParser server_said;
    size_t answered = 0;
    std::string_view records = input.stream();
    while (records.size() >= 2 && !recorder.failed) {  // after a failure the transport hangs up
        size_t length = static_cast<uint8_t>(records[0]);
        if (length == 0) {
            uint8_t runs_out = static_cast<uint8_t>(records[1]);
            records.remove_prefix(2);
            if (runs_out & 1) expire(conversation, recorder, Wait::Phase);
            if (runs_out & 2) expire(conversation, recorder, Wait::Probe);
            if (runs_out & 4) expire(conversation, recorder, Wait::Quiet);
        } else {
            std::string_view read = records.substr(1, length);
            records.remove_prefix(1 + read.size());
            server_said.feed(read);
            conversation.receive(read);
            if ((input.option(0) & 8) && !recorder.decided()) answer_probes(conversation, recorder, answered);
        }
        // Until its verdict, the login always has a deadline: it cannot hang.
        require(recorder.decided() || recorder.armed.count(Wait::Phase) == 1);
        require(conversation.tail().size() <= 4 * 200);
    }
    // Time passes: each wait under way runs out in turn.
    for (int round = 0; round < 8 && !recorder.decided(); ++round) {
        for (Wait wait : {Wait::Quiet, Wait::Probe, Wait::Phase}) {
            expire(conversation, recorder, wait);
            if (recorder.decided()) break;
        }
    }
    require(recorder.decided());
    require(recorder.logged_in() == conversation.in_shell());
    require(recorder.failed == conversation.closed());
    require(recorder.armed.empty());

    const std::string &typed = recorder.sent.data();
    std::string_view before_verdict = std::string_view(typed).substr(0, recorder.typed_at_verdict);
    if (recorder.logged_in() && !config.shell_argv.empty()) {
        // The shell of otto's choice replaces the console's as it is handed over.
        constexpr std::string_view kExec = "exec '/bin/sh' '-i' || exit 127\r";
        require(before_verdict.size() >= kExec.size() &&
                before_verdict.substr(before_verdict.size() - kExec.size()) == kExec);
        before_verdict.remove_suffix(kExec.size());
    }
    check_typed_before_verdict(before_verdict, config);
    if (recorder.refused_later) require(config.telnet.login && config.shell_argv.empty());
    // The password shows in a message only where the server said it.
    if (!said(server_said.data(), kPassword)) {
        for (const std::string &message : recorder.messages) require(message.find(kPassword) == std::string::npos);
    }
    // What the shell is sent goes out as the same bytes, IAC or not.
    if (recorder.logged_in()) {
        const std::string text = std::string("echo \xff\xfe\r", 8);
        size_t before = typed.size();
        recorder.sent.feed(conversation.encode(text));
        require(recorder.sent.data().substr(before) == text);
    }
    return 0;
}
