// The cost of the household boundary per request, in isolation: what App::refuse_device and
// App::admit_connection do for a LAN device (not the host itself, which short-cuts the registry).
// Run: build/bench/hearth_policy_bench
#include "hearth/devices/registry.hpp"
#include "hearth/net/lan_policy.hpp"

#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <filesystem>
#include <unistd.h>

namespace {

hearth::net::Interface lan() {
    hearth::net::Interface i;
    i.name = "eth0";
    i.up = true;
    i.multicast = true;
    i.ipv4.push_back({*hearth::net::parse_ipv4("192.168.1.10"), 24});
    return i;
}

void AcceptCheck(benchmark::State& state) {
    hearth::net::LanPolicy policy({lan()}, {}, {"media.home"});
    auto client = *hearth::net::parse_ipv4("192.168.1.77");
    for (auto _ : state)
        benchmark::DoNotOptimize(policy.allows(client));
}
BENCHMARK(AcceptCheck);

void HostHeaderCheck(benchmark::State& state) {
    hearth::net::LanPolicy policy({lan()}, {}, {"media.home"});
    for (auto _ : state)
        benchmark::DoNotOptimize(policy.host_is_ours("192.168.1.10:8300"));
}
BENCHMARK(HostHeaderCheck);

void KnownDeviceLookup(benchmark::State& state) {
    auto dir = std::filesystem::temp_directory_path() / ("hearth-policy-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    {
        hearth::devices::Registry registry(dir / "index.db", hearth::devices::Mode::approved);
        auto client = *hearth::net::parse_ipv4("192.168.1.77");
        registry.seen(client, "Bench/1.0", std::nullopt);
        for (auto _ : state) {
            auto seen = registry.seen(client, "Bench/1.0", std::nullopt);
            benchmark::DoNotOptimize(seen);
            benchmark::DoNotOptimize(registry.is_blocked(client));
        }
    }
    std::filesystem::remove_all(dir);
}
BENCHMARK(KnownDeviceLookup);

} // namespace

BENCHMARK_MAIN();
