#include <cjson/cJSON.h>

#include <cstdio>
#include <string>

#include "cli_error.hpp"
#include "commands.hpp"
#include "handles.hpp"

namespace otto_cli {

namespace {

std::string field(const cJSON *host, const char *name) {
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(host, name);
    if (cJSON_IsString(item)) return item->valuestring;
    if (cJSON_IsNumber(item)) return std::to_string(item->valueint);
    if (cJSON_IsArray(item)) {
        std::string out;
        const cJSON *element = nullptr;
        cJSON_ArrayForEach(element, item) {
            if (cJSON_IsString(element)) out += (out.empty() ? "" : ",") + std::string(element->valuestring);
        }
        return out;
    }
    return "";
}

}  // namespace

int hosts_command(otto_context *ctx, bool json) {
    char *raw = nullptr;
    check(otto_context_hosts_to_json(&raw, ctx), "hosts");
    StringPtr text(raw);
    if (json) {
        std::printf("%s\n", text.get());
        return 0;
    }
    std::unique_ptr<cJSON, decltype(&cJSON_Delete)> hosts(cJSON_Parse(text.get()), cJSON_Delete);
    if (!hosts) throw CliError(kExitSoftware, "hosts: the library's JSON did not parse");
    std::printf("%-16s %-7s %-22s %-10s %s\n", "ID", "KIND", "ADDRESS", "USER", "RESOURCES");
    const cJSON *host = nullptr;
    cJSON_ArrayForEach(host, hosts.get()) {
        std::string address = field(host, "address");
        if (!address.empty()) address += ":" + field(host, "port");
        std::printf("%-16s %-7s %-22s %-10s %s\n", field(host, "id").c_str(), field(host, "kind").c_str(),
                    address.c_str(), field(host, "user").c_str(), field(host, "resources").c_str());
        std::string unsupported = field(host, "unsupported");
        if (!unsupported.empty()) std::printf("  (unusable: %s)\n", unsupported.c_str());
    }
    return 0;
}

}  // namespace otto_cli
