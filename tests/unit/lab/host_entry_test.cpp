// Host entries, creds and transport options (LAB-FORMAT §5-§7, §9, §10, §15).
#include <gtest/gtest.h>

#include "lab_test_support.hpp"

namespace otto::lab {
namespace {

using testing::host_json;
using testing::lab_json;

// Loads lab "l" from JSON text with one host built from these members.
LabLoadResult one_host(const std::string &members) {
    return load_lab_text("l", "{\"hosts\": [{\"labs\": [\"l\"], " + members + "}]}");
}

const std::string kBase = R"("ip": "192.0.2.1", "element": "dut", "creds": [{"login": "root", "password": "pw"}])";

LabLoadResult with(const std::string &more) { return one_host(more.empty() ? kBase : kBase + ", " + more); }

const LabHost &first_host(const LabLoadResult &r) {
    static LabHost none;
    if (!r.ok() || r.lab->hosts.empty()) {
        ADD_FAILURE() << r.error_message();
        return none;
    }
    return r.lab->hosts.front();
}

std::string only_error(const LabLoadResult &r) {
    if (r.ok()) return "(loaded)";
    if (r.errors.size() != 1) return "(" + std::to_string(r.errors.size()) + " errors)\n" + r.error_message();
    return r.errors.front();
}

TEST(LabHostEntry, SpecExampleGivesBenchAndLocal) {
    auto r = load_lab_text("lab1", R"({
  "$schema": "https://example.invalid/otto-lab.schema.json",
  "_comment": "bench lab",
  "hosts": [
    { "ip": "192.0.2.10", "element": "bench",
      "creds": [ { "login": "root", "password": "pw" } ],
      "labs": [ "lab1" ] }
  ],
  "links": []
})");
    ASSERT_TRUE(r.ok()) << r.error_message();
    EXPECT_TRUE(r.warnings.empty());
    const Lab &lab = *r.lab;
    EXPECT_EQ(lab.name, "lab1");
    ASSERT_EQ(lab.hosts.size(), 2u);
    const LabHost &bench = lab.hosts[0];
    EXPECT_EQ(bench.id, "bench");
    EXPECT_EQ(bench.name, "bench");
    EXPECT_EQ(bench.ip, "192.0.2.10");
    EXPECT_EQ(bench.ssh.port, 22);
    EXPECT_EQ(bench.telnet.port, 23);
    EXPECT_EQ(bench.active_term(), Term::ssh);
    EXPECT_EQ(bench.active_transfer(), Transfer::scp);
    ASSERT_NE(bench.login_cred(), nullptr);
    EXPECT_EQ(bench.login_cred()->login, "root");
    EXPECT_EQ(bench.login_cred()->password, "pw");
    EXPECT_EQ(bench.os_type, OsType::unix_userland);
    EXPECT_EQ(bench.command_frame, CommandFrame::bash);
    EXPECT_EQ(bench.log, LogMode::normal);
    EXPECT_FALSE(bench.shell_history);
    EXPECT_TRUE(bench.has_bash());
    EXPECT_EQ(bench.ssh.host_key_policy, HostKeyPolicy::accept_new);
    EXPECT_DOUBLE_EQ(bench.ssh.effective_connect_timeout(), 10.0);
    EXPECT_DOUBLE_EQ(bench.telnet.login_timeout, 10.0);
    EXPECT_EQ(bench.source.file, "<text>");
    EXPECT_EQ(bench.source.path, "hosts[0]");
    const LabHost &local = lab.hosts[1];
    EXPECT_EQ(local.id, "local");
    EXPECT_EQ(local.name, "localhost");
    EXPECT_TRUE(local.builtin_local);
    EXPECT_TRUE(local.creds.empty());
    EXPECT_TRUE(local.resources.empty());
}

TEST(LabHostEntry, IdFromElementBoardAndSlot) {
    auto r = with(R"("element_id": 2, "board": "Line Card", "slot": 3)");
    EXPECT_EQ(first_host(r).id, "dut2_line-card3");
    EXPECT_EQ(first_host(r).name, "dut Line Card 3");
    EXPECT_EQ(only_error(one_host(R"("ip": "h", "element": "***", "creds": [{"login": "r"}])")),
              "<text>:1:50: hosts[0].element: \"***\" slugs to an empty id (needs a letter or digit)");
    EXPECT_EQ(only_error(with(R"("board": "--")")),
              "<text>:1:122: hosts[0].board: \"--\" slugs to an empty id (needs a letter or digit)");
    EXPECT_EQ(only_error(with(R"("element_id": -1)")),
              "<text>:1:127: hosts[0].element_id: expected an integer >= 0 or null, got -1");
    EXPECT_EQ(only_error(with(R"("slot": "3")")),
              "<text>:1:121: hosts[0].slot: expected an integer >= 0 or null, got \"3\"");
    EXPECT_EQ(first_host(with(R"("element_id": null, "board": null, "slot": null)")).id, "dut");
}

TEST(LabHostEntry, RequiredKeys) {
    auto r = one_host(R"("name": "x")");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.errors, (std::vector<std::string>{"<text>:1:12: hosts[0]: missing required key \"ip\"",
                                                  "<text>:1:12: hosts[0]: missing required key \"element\"",
                                                  "<text>:1:12: hosts[0]: missing required key \"creds\""}));
}

TEST(LabHostEntry, Addresses) {
    auto ip = [](const std::string &value) {
        return one_host(R"("element": "e", "creds": [{"login": "r"}], "ip": )" + value);
    };
    EXPECT_TRUE(ip("\"10.1.2.3\"").ok());
    EXPECT_TRUE(ip("\"2001:db8::1\"").ok());
    EXPECT_TRUE(ip("\"fe80::1%eth0\"").ok());
    EXPECT_TRUE(ip("\"bench-1.lab.example\"").ok());
    EXPECT_TRUE(ip("\"localhost\"").ok());
    EXPECT_EQ(only_error(ip("\"10.0.0.1:2222\"")),
              "<text>:1:77: hosts[0].ip: \"10.0.0.1:2222\" includes a port; set the port with ssh_options.port or "
              "telnet_options.port");
    EXPECT_EQ(only_error(ip("\"[2001:db8::1]\"")),
              "<text>:1:77: hosts[0].ip: \"[2001:db8::1]\": write an IPv6 address without brackets");
    EXPECT_EQ(only_error(ip("\"[2001:db8::1]:22\"")),
              "<text>:1:77: hosts[0].ip: \"[2001:db8::1]:22\": write an IPv6 address without brackets; set the port "
              "with ssh_options.port or telnet_options.port");
    EXPECT_EQ(only_error(ip("\"10.0.0.256\"")),
              "<text>:1:77: hosts[0].ip: expected an IP address or DNS name, got \"10.0.0.256\"");
    EXPECT_EQ(only_error(ip("\"bad host\"")),
              "<text>:1:77: hosts[0].ip: expected an IP address or DNS name, got \"bad host\"");
    EXPECT_EQ(only_error(ip("\"\"")), "<text>:1:77: hosts[0].ip: expected an IP address or DNS name, got \"\"");
    EXPECT_EQ(only_error(ip("17")), "<text>:1:77: hosts[0].ip: expected a string, got 17");
}

TEST(LabHostEntry, TermsAndTransfers) {
    EXPECT_EQ(first_host(with(R"("valid_terms": ["telnet", "ssh"])")).active_term(), Term::telnet);
    EXPECT_EQ(first_host(with(R"("valid_terms": "telnet")")).active_term(), Term::telnet);
    EXPECT_EQ(first_host(with(R"("term": "telnet")")).active_term(), Term::telnet);
    EXPECT_EQ(first_host(with(R"("term": null)")).active_term(), Term::ssh);
    EXPECT_EQ(first_host(with("")).active_term(Term::telnet), Term::telnet);
    EXPECT_EQ(first_host(with(R"("valid_transfers": ["sftp", "shell"])")).active_transfer(), Transfer::sftp);
    EXPECT_EQ(first_host(with(R"("transfer": "nc")")).active_transfer(), Transfer::nc);
    EXPECT_EQ(first_host(with("")).active_transfer(Transfer::ftp), Transfer::ftp);

    EXPECT_EQ(only_error(with(R"("valid_terms": [])")),
              "<text>:1:128: hosts[0].valid_terms: expected at least one term, got []");
    EXPECT_EQ(only_error(with(R"("valid_terms": ["ssh", "ssh"])")),
              "<text>:1:136: hosts[0].valid_terms[1]: \"ssh\" is listed twice");
    EXPECT_EQ(only_error(with(R"("valid_terms": ["serial"])")),
              "<text>:1:129: hosts[0].valid_terms[0]: expected \"ssh\" or \"telnet\", got \"serial\"");
    EXPECT_EQ(only_error(with(R"("valid_transfers": "rsync")")),
              "<text>:1:132: hosts[0].valid_transfers: expected \"scp\", \"sftp\", \"ftp\", \"nc\" or \"shell\", got "
              "\"rsync\"");
    EXPECT_EQ(
        only_error(with(R"("transfer": "shell")")),
        "<text>:1:125: hosts[0].transfer: \"shell\" is not in valid_transfers [\"scp\", \"sftp\", \"ftp\", \"nc\"]");
    EXPECT_EQ(only_error(with(R"("term": 1)")), "<text>:1:121: hosts[0].term: expected a string or null, got 1");
}

TEST(LabHostEntry, OsTypeFrameLogHistory) {
    auto busybox = first_host(with(R"("os_type": "busybox")"));
    EXPECT_EQ(busybox.os_type, OsType::busybox);
    EXPECT_EQ(busybox.command_frame, CommandFrame::ash);
    EXPECT_FALSE(busybox.has_bash());
    // The frame default follows os_type wherever the keys stand.
    EXPECT_EQ(first_host(with(R"("command_frame": null, "os_type": "busybox")")).command_frame, CommandFrame::ash);
    EXPECT_EQ(first_host(with(R"("os_type": "busybox", "command_frame": "bash", "has_bash": true)")).command_frame,
              CommandFrame::bash);
    EXPECT_EQ(only_error(with(R"("os_type": "zephyr")")),
              "<text>:1:124: hosts[0].os_type: os_type \"zephyr\" is not supported by this otto");
    EXPECT_EQ(only_error(with(R"("os_type": null)")),
              "<text>:1:124: hosts[0].os_type: expected \"unix\" or \"busybox\", got null");
    EXPECT_EQ(only_error(with(R"("command_frame": "zsh")")),
              "<text>:1:130: hosts[0].command_frame: expected \"bash\" or \"ash\" or null, got \"zsh\"");
    EXPECT_EQ(first_host(with(R"("log": "never")")).log, LogMode::never);
    EXPECT_EQ(first_host(with(R"("log": false)")).log, LogMode::quiet);
    EXPECT_EQ(first_host(with(R"("log": true)")).log, LogMode::normal);
    EXPECT_EQ(only_error(with(R"("log": "loud")")),
              "<text>:1:120: hosts[0].log: expected \"normal\", \"quiet\", \"never\" or a boolean, got \"loud\"");
    EXPECT_TRUE(first_host(with(R"("shell_history": true)")).shell_history);
    EXPECT_EQ(only_error(with(R"("shell_history": 1)")),
              "<text>:1:130: hosts[0].shell_history: expected a boolean, got 1");
}

TEST(LabHostEntry, ResourcesCollapseRepeatsAndNameIsKept) {
    auto host = first_host(with(R"("resources": ["b", "a", "b"], "name": "My DUT")"));
    EXPECT_EQ(host.resources, (std::vector<std::string>{"b", "a"}));
    EXPECT_EQ(host.name, "My DUT");
    EXPECT_FALSE(host.name_generated);
}

TEST(LabCreds, LegacyMapKeepsMemberOrder) {
    auto r =
        load_lab_text("l",
                      R"([{"ip": "192.0.2.1", "element": "e", "labs": ["l"], "creds": {"root": "pw", "test": null}}])");
    const LabHost &h = first_host(r);
    ASSERT_EQ(h.creds.size(), 2u);
    EXPECT_EQ(h.creds[0].login, "root");
    EXPECT_EQ(h.creds[0].password, "pw");
    EXPECT_EQ(h.creds[1].login, "test");
    EXPECT_EQ(h.creds[1].password, std::nullopt);
    EXPECT_EQ(h.login_cred()->login, "root");

    auto reordered =
        load_lab_text("l",
                      R"([{"ip": "192.0.2.1", "element": "e", "labs": ["l"], "creds": {"test": null, "root": "pw"}}])");
    EXPECT_EQ(first_host(reordered).login_cred()->login, "test");

    auto with_user = load_lab_text(
        "l",
        R"([{"ip": "192.0.2.1", "element": "e", "labs": ["l"], "user": "test", "creds": {"root": "pw", "test": null}}])");
    EXPECT_EQ(first_host(with_user).login_cred()->login, "test");

    auto list_form =
        load_lab_text("l", R"([{"ip": "192.0.2.1", "element": "e", "labs": ["l"], "creds": [{"login": "x"}]}])");
    EXPECT_EQ(first_host(list_form).login_cred()->login, "x");
}

TEST(LabCreds, CurrentFormRejectsTheMapAndShowsTheList) {
    EXPECT_EQ(only_error(one_host(R"("ip": "h", "element": "e", "creds": {"admin": "secret"})")),
              "<text>:1:64: hosts[0].creds: expected an array of creds, got an object (the legacy hosts.json form); "
              "write [{\"login\": \"admin\", \"password\": \"...\"}]");
}

TEST(LabCreds, Rules) {
    auto creds = [](const std::string &list) { return one_host(R"("ip": "h", "element": "e", "creds": )" + list); };
    EXPECT_EQ(only_error(creds("[]")), "<text>:1:64: hosts[0].creds: expected at least one cred, got []");
    EXPECT_EQ(only_error(creds("\"root:pw\"")),
              "<text>:1:64: hosts[0].creds: expected an array of creds, got a string");
    EXPECT_EQ(
        only_error(creds("[\"root:pw\"]")),
        "<text>:1:65: hosts[0].creds[0]: expected a cred object {\"login\": ..., \"password\": ...}, got a string");
    EXPECT_EQ(only_error(creds(R"([{"password": "pw"}])")),
              "<text>:1:65: hosts[0].creds[0]: missing required key \"login\"");
    EXPECT_EQ(only_error(creds(R"([{"login": ""}])")),
              "<text>:1:75: hosts[0].creds[0].login: expected a non-empty string, got \"\"");
    EXPECT_EQ(only_error(creds(R"([{"login": "a", "password": 7}])")),
              "<text>:1:92: hosts[0].creds[0].password: expected a string or null, got 7");
    EXPECT_EQ(only_error(creds(R"([{"login": "a", "pasword": "x"}])")),
              "<text>:1:80: hosts[0].creds[0].pasword: unknown key; did you mean \"password\"?");
    EXPECT_EQ(
        only_error(creds(R"([{"login": "a"}, {"login": "a"}])")),
        "<text>:1:91: hosts[0].creds[1].login: login \"a\" repeats hosts[0].creds[0]; logins are unique within a host");
    EXPECT_EQ(only_error(creds(R"([{"login": "a", "via": "b"}, {"login": "b"}])")),
              "<text>:1:87: hosts[0].creds[0].via: via needs proxy: it names the cred a proxy steps from");
    EXPECT_EQ(only_error(creds(R"([{"login": "a", "params": {}}])")),
              "<text>:1:90: hosts[0].creds[0].params: params needs proxy: they are the proxy's");
    EXPECT_EQ(only_error(creds(R"([{"login": "a", "proxy": "sudo"}, {"login": "b"}])")),
              "<text>:1:89: hosts[0].creds[0].proxy: unknown login proxy \"sudo\"; known proxies: \"su\"");
    EXPECT_EQ(only_error(creds(R"([{"login": "root", "proxy": "su"}])")),
              "<text>:1:65: hosts[0].creds[0]: proxy needs a cred without proxy to step from; there is none");
    EXPECT_EQ(only_error(creds(R"([{"login": "root", "proxy": "su", "via": "nobody"}, {"login": "u"}])")),
              "<text>:1:105: hosts[0].creds[0].via: \"nobody\" is not a login of this host's creds");
    EXPECT_EQ(only_error(creds(R"([{"login": "u"}, {"login": "root", "proxy": "su", "via": "root"}])")),
              "<text>:1:121: hosts[0].creds[1].via: \"root\" \xe2\x86\x92 \"root\" is a cycle; a proxy chain must end "
              "at a cred without proxy");
    EXPECT_EQ(only_error(one_host(kBase + R"(, "user": "bob")")),
              "<text>:1:121: hosts[0].user: \"bob\" is not a login of creds [\"root\"]");
}

TEST(LabCreds, ProxyChains) {
    auto r = one_host(
        R"("ip": "h", "element": "e", "user": "root", "creds": [{"login": "u", "password": null},
        {"login": "admin", "proxy": "su", "via": "u", "params": {"cmd": "su -"}},
        {"login": "root", "proxy": "su", "via": "admin"}])");
    const LabHost &h = first_host(r);
    ASSERT_EQ(h.creds.size(), 3u);
    EXPECT_EQ(h.creds[1].proxy, "su");
    EXPECT_EQ(h.creds[1].via, "u");
    EXPECT_EQ(h.creds[1].params_json, "{\"cmd\":\"su -\"}");
    EXPECT_EQ(h.login_cred()->login, "root");
    // Without via: the first cred without proxy.
    EXPECT_TRUE(
        one_host(R"("ip": "h", "element": "e", "creds": [{"login": "root", "proxy": "su"}, {"login": "u"}])").ok());
    auto cycle = one_host(R"("ip": "h", "element": "e", "creds": [{"login": "u"},
        {"login": "a", "proxy": "su", "via": "b"}, {"login": "b", "proxy": "su", "via": "a"}])");
    ASSERT_FALSE(cycle.ok());
    EXPECT_NE(cycle.errors.at(0).find("\"a\" \xe2\x86\x92 \"b\" \xe2\x86\x92 \"a\" is a cycle"), std::string::npos);
}

TEST(LabCreds, PasswordsNeverAppearInMessages) {
    auto r = one_host(R"("ip": "h", "element": "e", "creds": [{"login": "root", "password": "hunter2", "x": 1}],
                         "user": "nobody", "hop": 1)");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error_message().find("hunter2"), std::string::npos);
}

TEST(LabSshOptions, ValuesAndDefaults) {
    auto h = first_host(with(R"("ssh_options": {"port": 2222, "host_key_policy": "strict", "connect_timeout": 2.5,
        "keepalive_interval": 15, "keepalive_count_max": 4, "agent_forwarding": true,
        "preferred_auth": "publickey", "known_hosts": "/etc/ssh/known", "encryption_algs": ["aes256-ctr"],
        "compression_algs": null, "local_forwards": [], "_why": "comment"})"));
    EXPECT_EQ(h.ssh.port, 2222);
    EXPECT_EQ(h.ssh.host_key_policy, HostKeyPolicy::strict);
    EXPECT_EQ(h.ssh.connect_timeout, 2.5);
    EXPECT_EQ(h.ssh.keepalive_interval, 15.0);
    EXPECT_EQ(h.ssh.keepalive_count_max, 4);
    EXPECT_TRUE(h.ssh.agent_forwarding);
    EXPECT_EQ(h.ssh.preferred_auth, (std::vector<std::string>{"publickey"}));
    EXPECT_EQ(h.ssh.known_hosts, (std::vector<std::string>{"/etc/ssh/known"}));
    EXPECT_EQ(h.ssh.encryption_algs, (std::vector<std::string>{"aes256-ctr"}));
    EXPECT_EQ(h.ssh.compression_algs, std::nullopt);
    ASSERT_EQ(h.ssh.pass_through.size(), 1u);
    EXPECT_EQ(h.ssh.pass_through[0].first, "local_forwards");
    EXPECT_EQ(first_host(with(R"("ssh_options": {"host_key_policy": "off"})")).ssh.host_key_policy, HostKeyPolicy::off);

    EXPECT_EQ(only_error(with(R"("ssh_options": {"port": 0})")),
              "<text>:1:137: hosts[0].ssh_options.port: expected an integer 1-65535, got 0");
    EXPECT_EQ(only_error(with(R"("ssh_options": {"host_key_policy": "yes"})")),
              "<text>:1:148: hosts[0].ssh_options.host_key_policy: expected \"strict\", \"accept-new\" or \"off\", got "
              "\"yes\"");
    EXPECT_EQ(only_error(with(R"("ssh_options": {"connect_timeout": 0})")),
              "<text>:1:148: hosts[0].ssh_options.connect_timeout: expected a number > 0 or null, got 0");
    EXPECT_EQ(only_error(with(R"("ssh_options": {"keepalive_count_max": 0})")),
              "<text>:1:152: hosts[0].ssh_options.keepalive_count_max: expected an integer >= 1 or null, got 0");
    EXPECT_EQ(only_error(with(R"("ssh_options": {"preferred_auth": ["gssapi"]})")),
              "<text>:1:148: hosts[0].ssh_options.preferred_auth[0]: expected \"publickey\", \"password\" or "
              "\"keyboard-interactive\", got \"gssapi\"");
    EXPECT_EQ(only_error(with(R"("ssh_options": {"prot": 22})")),
              "<text>:1:129: hosts[0].ssh_options.prot: unknown key; did you mean \"port\"?");
    EXPECT_EQ(only_error(with(R"("ssh_options": [])")),
              "<text>:1:128: hosts[0].ssh_options: expected an object, got []");
}

TEST(LabSshOptions, ExtraIsWarnedAboutOncePerHost) {
    auto r = with(R"("ssh_options": {"extra": {"compression": true, "x": 1}})");
    ASSERT_TRUE(r.ok()) << r.error_message();
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0],
              "<text>:1:138: hosts[0].ssh_options.extra: otto applies no pass-through options; ignored: "
              "\"compression\", \"x\"");
    EXPECT_EQ(first_host(r).ssh.extra_keys, (std::vector<std::string>{"compression", "x"}));
    EXPECT_TRUE(with(R"("ssh_options": {"extra": {}})").warnings.empty());
}

TEST(LabSshOptions, KeyFilesResolveAgainstTheDeclaringFile) {
    testing::TempDir dir;
    dir.write("keys/id_test", "not really a key\n");
    dir.write("sub/lab.json", "{}");
    dir.write("lab.json",
              testing::lab_json({testing::host_json(
                  "dut", "l", R"("ssh_options": {"client_keys": ["keys/id_test", "missing", "/abs/key", "~/k"]})")}));
    auto loaded = load_lab("l", {dir.path()});
    ASSERT_TRUE(loaded.ok()) << loaded.error_message();
    const auto &keys = *loaded.lab->hosts[0].ssh.client_keys;
    ASSERT_EQ(keys.size(), 4u);
    EXPECT_EQ(keys[0], dir / "keys/id_test");
    EXPECT_EQ(keys[1], dir / "missing");
    EXPECT_EQ(keys[2], "/abs/key");
    const char *home = std::getenv("HOME");
    if (home) {
        EXPECT_EQ(keys[3], std::string(home) + "/k");
    }
    // Missing files are warnings at load (connect errors later).
    auto warnings = dir.relative(loaded).warnings;
    ASSERT_GE(warnings.size(), 2u);
    EXPECT_NE(warnings[0].find("client_keys[1]: identity file"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("missing\" is missing or unreadable"), std::string::npos) << warnings[0];
}

TEST(LabTelnetOptions, ValuesAndDefaults) {
    auto d = first_host(with("")).telnet;
    EXPECT_EQ(d.port, 23);
    EXPECT_TRUE(d.login);
    EXPECT_EQ(d.login_prompt, ":");
    EXPECT_EQ(d.login_timeout, 10.0);
    EXPECT_EQ(d.effective_connect_timeout(), 10.0);
    EXPECT_EQ(d.echo_negotiation_timeout, 3.0);
    EXPECT_EQ(d.cols, 400);
    EXPECT_EQ(d.rows, 24);
    EXPECT_EQ(d.encoding, std::nullopt);
    EXPECT_EQ(d.write_chunk_size, 0);
    EXPECT_EQ(d.write_chunk_delay, 0.0);

    auto t = first_host(with(R"("telnet_options": {"port": 2323, "login": false, "login_prompt": "Username:",
        "login_timeout": 2, "connect_timeout": 1.5, "echo_negotiation_timeout": 0, "cols": 80, "rows": 50,
        "encoding": "utf-8", "write_chunk_size": 64, "write_chunk_delay": 0.01, "single_client_console": true,
        "auto_window_resize": true})"))
                 .telnet;
    EXPECT_EQ(t.port, 2323);
    EXPECT_FALSE(t.login);
    EXPECT_EQ(t.login_prompt, "Username:");
    EXPECT_EQ(t.login_timeout, 2.0);
    EXPECT_EQ(t.connect_timeout, 1.5);
    EXPECT_EQ(t.echo_negotiation_timeout, 0.0);
    EXPECT_EQ(t.cols, 80);
    EXPECT_EQ(t.rows, 50);
    EXPECT_EQ(t.encoding, "utf-8");
    EXPECT_EQ(t.write_chunk_size, 64);
    EXPECT_EQ(t.write_chunk_delay, 0.01);
    EXPECT_TRUE(t.single_client_console);
    EXPECT_TRUE(t.auto_window_resize);
    EXPECT_EQ(first_host(with(R"("telnet_options": {"encoding": false})")).telnet.encoding, std::nullopt);

    EXPECT_EQ(only_error(with(R"("telnet_options": {"encoding": true})")),
              "<text>:1:144: hosts[0].telnet_options.encoding: expected false or a string, got true");
    EXPECT_EQ(only_error(with(R"("telnet_options": {"login_prompt": ""})")),
              "<text>:1:148: hosts[0].telnet_options.login_prompt: expected a non-empty string, got \"\"");
    EXPECT_EQ(only_error(with(R"("telnet_options": {"login_timeout": 0})")),
              "<text>:1:149: hosts[0].telnet_options.login_timeout: expected a number > 0, got 0");
    EXPECT_EQ(only_error(with(R"("telnet_options": {"cols": 0})")),
              "<text>:1:140: hosts[0].telnet_options.cols: expected an integer >= 1, got 0");
    EXPECT_EQ(only_error(with(R"("telnet_options": {"echo_negotiation_timeout": -1})")),
              "<text>:1:160: hosts[0].telnet_options.echo_negotiation_timeout: expected a number >= 0, got -1");
}

TEST(LabCompatKeys, CheckedAndKept) {
    auto h = first_host(with(R"("is_virtual": true, "has_bash": false, "docker_capable": false, "log_stdout": true,
        "hw_version": null, "sw_version": "1.2", "os_name": "Linux", "os_version": null, "default_dest_dir": "/tmp",
        "max_filename_len": 255, "debug_log_globs": ["/var/log/*.log"],
        "interfaces": {"eth0": "10.0.0.2", "eth1": {"ip": "10.1.0.2", "subnet": "10.1.0.0/24"}, "v6": {"ip": "2001:db8::2"}},
        "snmp": {"port": 161, "community": "public", "oids": ["1.3.6.1"], "version": "2c"},
        "sftp_options": {"env": {"LANG": "C"}, "send_env": ["LC_*"], "extra": {}},
        "scp_options": {"preserve": true, "recurse": false, "block_size": 16384},
        "ftp_options": {"port": 21, "ssl": false, "socket_timeout": null, "passive_commands": ["PASV"]},
        "nc_options": {"exec_name": "nc", "port": null, "max_concurrent_transfers": 4},
        "userland_options": {"anything": [1, 2]}, "power_control": "pdu-1:4", "toolchain": {},
        "impairer": "netem", "valid_impairers": ["netem"])"));
    EXPECT_EQ(h.compat.is_virtual, true);
    EXPECT_FALSE(h.has_bash());
    EXPECT_EQ(h.compat.sw_version, "1.2");
    EXPECT_EQ(h.compat.max_filename_len, 255);
    ASSERT_EQ(h.compat.interfaces.size(), 3u);
    EXPECT_EQ(h.compat.interfaces[1].name, "eth1");
    EXPECT_EQ(h.compat.interfaces[1].subnet, "10.1.0.0/24");
    EXPECT_EQ(h.compat.kept_json.size(), 10u);
    EXPECT_EQ(h.compat.kept_json[0].first, "snmp");
}

TEST(LabCompatKeys, Errors) {
    EXPECT_EQ(only_error(with(R"("is_virtual": "yes")")),
              "<text>:1:127: hosts[0].is_virtual: expected a boolean, got \"yes\"");
    EXPECT_EQ(only_error(with(R"("max_filename_len": 0)")),
              "<text>:1:133: hosts[0].max_filename_len: expected an integer >= 1, got 0");
    EXPECT_EQ(only_error(with(R"("interfaces": {"eth0": "10.0.0.300"})")),
              "<text>:1:136: hosts[0].interfaces[\"eth0\"]: expected an IP address, got \"10.0.0.300\"");
    EXPECT_EQ(
        only_error(with(R"("interfaces": {"eth0": {"ip": "10.0.0.3", "subnet": "10.1.0.0/24"}})")),
        "<text>:1:165: hosts[0].interfaces[\"eth0\"].subnet: subnet \"10.1.0.0/24\" does not contain \"10.0.0.3\"");
    EXPECT_EQ(
        only_error(with(R"("interfaces": {"eth0": {"ip": "10.0.0.3", "subnet": "10.0.0.0"}})")),
        "<text>:1:165: hosts[0].interfaces[\"eth0\"].subnet: expected a subnet in CIDR form (address/prefix), got "
        "\"10.0.0.0\"");
    EXPECT_EQ(only_error(with(R"("snmp": {"port": 161, "community": "c", "oids": [], "version": "3"})")),
              "<text>:1:176: hosts[0].snmp.version: expected \"1\" or \"2c\", got \"3\"");
    EXPECT_EQ(only_error(with(R"("snmp": {"community": "c", "oids": [], "version": "1"})")),
              "<text>:1:121: hosts[0].snmp: missing required key \"port\"");
    EXPECT_EQ(only_error(with(R"("scp_options": {"preserve": 1})")),
              "<text>:1:141: hosts[0].scp_options.preserve: expected a boolean, got 1");
    EXPECT_EQ(only_error(with(R"("nc_options": {"listener_timout": 3})")),
              "<text>:1:128: hosts[0].nc_options.listener_timout: unknown key; did you mean \"listener_timeout\"?");
    EXPECT_EQ(only_error(with(R"("power_control": 3)")),
              "<text>:1:130: hosts[0].power_control: expected an object, a string or null, got 3");
}

}  // namespace
}  // namespace otto::lab
