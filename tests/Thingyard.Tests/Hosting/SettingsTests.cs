// A bad setting stops the start before anything is written, with one line per problem naming the full key, the value
// (unless it is a secret) and what is accepted. Checked on ThingyardApp.BuildAsync in-process (the data folder must not
// have been created), and once on the real server process (one line on stderr, exit code 1).
using Microsoft.Extensions.Configuration;
using Thingyard.Server.Hosting;
using Thingyard.Server.Settings;
using Thingyard.Tests.Devices;

namespace Thingyard.Tests.Hosting;

public sealed class SettingsTests
{
    static string NewDataDir() => Path.Combine(Path.GetTempPath(), "thingyard-tests", "settings-" + Guid.NewGuid().ToString("N"));

    /// <summary>Starts the server with the settings and expects it to refuse them without creating its data folder.</summary>
    static async Task<IReadOnlyList<string>> RefusedAsync(Dictionary<string, string> settings)
    {
        var dataDir = NewDataDir();
        var all = new Dictionary<string, string>
        {
            ["Thingyard:DataDir"] = dataDir,
            ["Thingyard:Mqtt:Port"] = "0",
            ["Thingyard:Mqtt:TlsPort"] = "-1",
            ["Thingyard:Amqp:TlsPort"] = "-1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in settings) all[k] = v;
        var args = all.Select(s => $"--{s.Key}={s.Value}").Append("--urls=http://127.0.0.1:0").ToArray();
        var refused = await Assert.ThrowsAsync<InvalidSettingsException>(() => ThingyardApp.BuildAsync(args));
        Assert.False(Directory.Exists(dataDir), "the data folder was created although the settings were refused");
        Assert.Equal(string.Join(Environment.NewLine, refused.Failures), refused.Message);
        Assert.All(refused.Failures, f => Assert.DoesNotContain('\n', f));
        return refused.Failures;
    }

    static async Task<string> RefusedOnceAsync(Dictionary<string, string> settings) => Assert.Single(await RefusedAsync(settings));

    [Fact]
    public async Task Bad_amqp_settings_are_refused_one_line_each()
    {
        var failures = await RefusedAsync(new()
        {
            ["Thingyard:Amqp:Port"] = "5671", ["Thingyard:Amqp:TlsPort"] = "5671", ["Thingyard:Amqp:RetentionHours"] = "0",
            ["Thingyard:Amqp:AckTimeoutSeconds"] = "7200", ["Thingyard:Amqp:MaxBacklogPerGroup"] = "0", ["Thingyard:Amqp:BindAddress"] = "amqp.local",
        });
        Assert.Equal(
        [
            "Thingyard:Amqp:TlsPort: 5671 is also Thingyard:Amqp:Port; give each listener its own port",
            "Thingyard:Amqp:BindAddress: \"amqp.local\" is not an IP address; use e.g. 0.0.0.0 (every interface), 127.0.0.1 or ::",
            "Thingyard:Amqp:RetentionHours: 0 is out of range; use 1 to 720 (hours)",
            "Thingyard:Amqp:MaxBacklogPerGroup: 0 is too small; use 1 or more",
            "Thingyard:Amqp:AckTimeoutSeconds: 7200 is out of range; use 1 to 3600 (seconds)",
        ], failures);
        Assert.Equal("Thingyard:Amqp:TlsPort: 70000 is not a port; use 1 to 65535, 0 for a free port or -1 to turn the listener off",
            await RefusedOnceAsync(new() { ["Thingyard:Amqp:TlsPort"] = "70000" }));
    }

    [Fact]
    public async Task Bad_script_limits_are_refused_one_line_each()
    {
        var failures = await RefusedAsync(new()
        {
            ["Thingyard:Scripts:TimeoutMs"] = "0", ["Thingyard:Scripts:MemoryBytes"] = "1024", ["Thingyard:Scripts:MaxStatements"] = "10",
            ["Thingyard:Scripts:RecursionDepth"] = "1", ["Thingyard:Scripts:MaxScriptBytes"] = "100",
        });
        Assert.Equal(5, failures.Count);
        Assert.Contains("Thingyard:Scripts:TimeoutMs: 0 is out of range; use 1 to 60000 (milliseconds)", failures);
        Assert.Contains(failures, f => f.StartsWith("Thingyard:Scripts:MemoryBytes: 1024 is out of range", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Thingyard:Scripts:RecursionDepth: 1 is out of range", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_smtp_and_alarm_settings_are_refused_one_line_each()
    {
        var failures = await RefusedAsync(new()
        {
            ["Thingyard:Smtp:Host"] = "smtp.example.com", ["Thingyard:Smtp:Port"] = "0", ["Thingyard:Smtp:User"] = "mailer",
            ["Thingyard:Alarms:QueueCapacity"] = "0",
        });
        Assert.Equal(
        [
            "Thingyard:Smtp:Port: 0 is out of range; use 1 to 65535",
            "Thingyard:Smtp:From: (not set) is required when Host is set; use e.g. thingyard@example.com",
            "Thingyard:Smtp:Password: (not set) is required when User is set",
            "Thingyard:Alarms:QueueCapacity: 0 is out of range; use 1 to 10000000",
        ], failures);
        Assert.Equal("Thingyard:Smtp:From: \"alarms at example\" is not an e-mail address; use e.g. thingyard@example.com",
            await RefusedOnceAsync(new() { ["Thingyard:Smtp:Host"] = "smtp.example.com", ["Thingyard:Smtp:From"] = "alarms at example" }));
    }

    [Fact]
    public async Task A_mistyped_storage_provider_is_refused_instead_of_falling_back_to_sqlite()
    {
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Storage:Provider"] = "Postgress" });
        Assert.Equal("Thingyard:Storage:Provider: \"Postgress\" is not a storage provider; use Sqlite or Postgres", failure);
    }

    [Fact]
    public async Task A_cluster_on_sqlite_or_without_a_shared_master_key_or_with_bad_ports_is_refused()
    {
        Assert.Equal(
        [
            "Thingyard:Cluster:Enabled: the nodes of a cluster share one PostgreSQL database; set Thingyard:Storage:Provider to Postgres",
            "Thingyard:Cluster:Enabled: every node must seal secrets with the same key; set Thingyard:Security:MasterKey or MasterKeyPath on each node",
        ], await RefusedAsync(new() { ["Thingyard:Cluster:Enabled"] = "true" }));
        Assert.Equal(
        [
            "Thingyard:Cluster:SiloPort: 0 is out of range; use 1 to 65535",
            "Thingyard:Cluster:FailureDetectionSeconds: 1 is out of range; use 2 to 300 (seconds)",
            "Thingyard:Cluster:NodeName: \"node one\" is not a node name; use 1 to 100 characters without spaces",
            "Thingyard:Cluster:AdvertisedAddress: \"node1.local\" is not an IP address; use the address other nodes reach this one at, e.g. 10.0.0.5",
        ], await RefusedAsync(new()
        {
            ["Thingyard:Cluster:SiloPort"] = "0", ["Thingyard:Cluster:FailureDetectionSeconds"] = "1", ["Thingyard:Cluster:NodeName"] = "node one",
            ["Thingyard:Cluster:AdvertisedAddress"] = "node1.local",
        }));
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_is_refused()
    {
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Storage:Provider"] = "postgresql", ["Thingyard:Storage:ConnectionString"] = "" });
        Assert.StartsWith("Thingyard:Storage:ConnectionString: is empty, but Thingyard:Storage:Provider is postgresql", failure);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("10.0.1")]
    [InlineData("300.1.1.1")]
    public async Task A_bind_address_that_is_not_an_ip_address_is_refused(string address)
    {
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Mqtt:BindAddress"] = address });
        Assert.StartsWith($"Thingyard:Mqtt:BindAddress: \"{address}\" is not an IP address; use e.g. 0.0.0.0", failure);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1201")]
    public async Task A_minimum_keepalive_outside_1_to_1200_is_refused_rather_than_clamped(string seconds)
    {
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Mqtt:MinKeepAliveSeconds"] = seconds });
        Assert.Equal($"Thingyard:Mqtt:MinKeepAliveSeconds: {seconds} is out of range; use 1 to 1200 (seconds)", failure);
    }

    [Fact]
    public async Task A_trace_endpoint_that_is_not_a_url_and_an_unknown_protocol_are_refused()
    {
        var failures = await RefusedAsync(new() { ["Thingyard:Telemetry:OtlpEndpoint"] = "collector:4318", ["Thingyard:Telemetry:OtlpProtocol"] = "http/json" });
        Assert.Equal(
        [
            "Thingyard:Telemetry:OtlpEndpoint: \"collector:4318\" is not an http:// or https:// URL; use e.g. http://otel-collector:4318",
            "Thingyard:Telemetry:OtlpProtocol: \"http/json\" is not an OTLP protocol; use http/protobuf or grpc",
        ], failures);
    }

    [Fact]
    public async Task A_port_that_is_not_a_number_is_refused_naming_the_key()
    {
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Mqtt:Port"] = "18 83" });
        Assert.Equal("Thingyard:Mqtt:Port: \"18 83\" is not a whole number", failure);
    }

    [Fact]
    public async Task Ports_out_of_range_or_shared_by_two_listeners_are_refused()
    {
        var failures = await RefusedAsync(new() { ["Thingyard:Mqtt:Port"] = "1883", ["Thingyard:Mqtt:TlsPort"] = "1883", ["Thingyard:Mqtt:DeviceHttpsPort"] = "70000" });
        Assert.Equal(
        [
            "Thingyard:Mqtt:TlsPort: 1883 is also Thingyard:Mqtt:Port; give each listener its own port",
            "Thingyard:Mqtt:DeviceHttpsPort: 70000 is not a port; use 1 to 65535, 0 for a free port or -1 to turn the listener off",
        ], failures);
    }

    [Fact]
    public async Task A_tls_policy_by_number_or_unknown_name_is_refused()
    {
        Assert.Equal("Thingyard:Mqtt:TlsPolicy: \"5\" is not accepted; use Compatible or Modern",
            await RefusedOnceAsync(new() { ["Thingyard:Mqtt:TlsPolicy"] = "5" }));
        Assert.Equal("Thingyard:Mqtt:TlsPolicy: \"strict\" is not accepted; use Compatible or Modern",
            await RefusedOnceAsync(new() { ["Thingyard:Mqtt:TlsPolicy"] = "strict" }));
    }

    [Fact]
    public async Task An_unknown_key_in_a_thingyard_section_is_refused_with_the_setting_it_resembles()
    {
        Assert.Equal("Thingyard:Mqtt:Prot: not a setting; did you mean Thingyard:Mqtt:Port?",
            await RefusedOnceAsync(new() { ["Thingyard:Mqtt:Prot"] = "1884" }));
        Assert.Equal("Thingyard:Storge: not a setting; did you mean Thingyard:Storage?",
            await RefusedOnceAsync(new() { ["Thingyard:Storge:Provider"] = "Postgres" }));
        Assert.Equal("Thingyard:Federation:Peers:0:Url: not a setting; did you mean Thingyard:Federation:Peers:0:HttpUrl?",
            (await RefusedAsync(new() { ["Thingyard:Federation:SharedSecret"] = "s", ["Thingyard:Federation:Peers:0:InstanceId"] = "iotx-b", ["Thingyard:Federation:Peers:0:Url"] = "http://10.0.0.2" }))[0]);
    }

    [Fact]
    public async Task A_peer_without_its_url_is_refused()
    {
        var failure = await RefusedOnceAsync(new()
        {
            ["Thingyard:Federation:SharedSecret"] = "s",
            ["Thingyard:Federation:Peers:0:InstanceId"] = "iotx-b",
        });
        Assert.StartsWith("Thingyard:Federation:Peers:0:HttpUrl: is empty; give the URL this instance calls the peer at", failure);
    }

    [Fact]
    public async Task A_peer_listed_twice_is_refused()
    {
        var failure = await RefusedOnceAsync(new()
        {
            ["Thingyard:Federation:SharedSecret"] = "s",
            ["Thingyard:Federation:Peers:0:InstanceId"] = "iotx-b",
            ["Thingyard:Federation:Peers:0:HttpUrl"] = "http://10.0.0.2:8080",
            ["Thingyard:Federation:Peers:1:InstanceId"] = "iotx-b",
            ["Thingyard:Federation:Peers:1:HttpUrl"] = "http://10.0.0.3:8080",
        });
        Assert.Equal("Thingyard:Federation:Peers:1:InstanceId: \"iotx-b\" is also Thingyard:Federation:Peers:0:InstanceId; list each peer once", failure);
    }

    [Fact]
    public async Task Peers_without_a_shared_secret_and_bad_address_blocks_are_refused()
    {
        var failures = await RefusedAsync(new()
        {
            ["Thingyard:Federation:Peers:0:InstanceId"] = "iotx-b",
            ["Thingyard:Federation:Peers:0:HttpUrl"] = "10.0.0.2:8080",
            ["Thingyard:Federation:TrustedProxies:0"] = "10.0.0.0/33",
            ["Thingyard:Federation:GeoIpOverrides:0:Cidr"] = "10.1/16",
        });
        Assert.Equal(
        [
            "Thingyard:Federation:SharedSecret: is not set but Thingyard:Federation:Peers lists 1 peer(s); give every instance of the federation the same secret",
            "Thingyard:Federation:Peers:0:HttpUrl: \"10.0.0.2:8080\" is not an http:// or https:// URL; use e.g. http://10.0.0.2:8080",
            "Thingyard:Federation:TrustedProxies:0: \"10.0.0.0/33\" is not an IP address or CIDR block; use e.g. 10.0.0.5 or 10.0.0.0/8",
            "Thingyard:Federation:GeoIpOverrides:0:Cidr: \"10.1/16\" is not a CIDR block; use e.g. 10.1.0.0/16 (or one address)",
        ], failures);
    }

    [Fact]
    public async Task A_master_key_that_is_not_base64_is_refused_without_showing_it()
    {
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Security:MasterKey"] = "not-a-key!" });
        Assert.Equal("Thingyard:Security:MasterKey: is not base64 (the value is not shown); use base64 of exactly 32 random bytes, e.g. from openssl rand -base64 32", failure);
    }

    [Fact]
    public async Task A_master_key_of_the_wrong_length_is_refused_without_showing_it()
    {
        var key = Convert.ToBase64String(new byte[16]);
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Security:PreviousMasterKey"] = key });
        Assert.StartsWith("Thingyard:Security:PreviousMasterKey: decodes to 16 bytes, not 32 (the value is not shown)", failure);
        Assert.DoesNotContain(key, failure);
    }

    [Fact]
    public async Task A_previous_key_file_that_does_not_exist_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), "thingyard-tests", "no-such-" + Guid.NewGuid().ToString("N") + ".key");
        var failure = await RefusedOnceAsync(new() { ["Thingyard:Security:PreviousMasterKeyPath"] = path });
        Assert.Equal($"Thingyard:Security:PreviousMasterKeyPath: \"{path}\" does not exist; give the key file the stored secrets were sealed with", failure);
    }

    [Fact]
    public async Task Every_problem_of_every_section_is_reported_at_once()
    {
        var failures = await RefusedAsync(new()
        {
            ["Thingyard:InstanceId"] = "iotx a",
            ["Thingyard:Mqtt:MaxPayloadBytes"] = "0",
            ["Thingyard:Admin:AccessKeyId"] = "LTAIonly",
            ["Thingyard:Security:AuthFailures:WindowSeconds"] = "0",
            ["Thingyard:Federation:Latitude"] = "91",
        });
        Assert.Equal(
        [
            "Thingyard:InstanceId: \"iotx a\" is not an instance id; use up to 64 letters, digits, '-', '_' or '.'",
            "Thingyard:Mqtt:MaxPayloadBytes: 0 is out of range; use 1 to 268435455 (bytes)",
            "Thingyard:Admin:AccessKeySecret: is not set but Thingyard:Admin:AccessKeyId is; set both (the admin AccessKey) or neither (a generated one)",
            "Thingyard:Security:AuthFailures:WindowSeconds: 0 is too small; use 1 or more (seconds)",
            "Thingyard:Federation:Latitude: 91 is not a latitude; use -90 to 90 (degrees)",
        ], failures);
    }

    [Fact]
    public void The_defaults_pass_and_a_relative_data_folder_is_taken_from_the_working_directory()
    {
        var settings = SettingsSetup.ReadValidated(new ConfigurationBuilder().Build());
        Assert.Equal(Path.GetFullPath("data"), settings.Get<InstanceOptions>().DataDir);
        Assert.Equal(30, settings.Get<MqttOptions>().MinKeepAliveSeconds);
        Assert.Equal("Sqlite", settings.Get<Thingyard.Storage.StorageOptions>().Provider);
    }

    [Fact]
    public async Task The_server_process_prints_each_problem_on_one_line_and_exits_with_1()
    {
        var dataDir = NewDataDir();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.StartAsync(dataDir, new Dictionary<string, string> { ["Thingyard:Storage:Provider"] = "Postgress" }));
        var lines = refused.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["The server exited with 1:", "Thingyard:Storage:Provider: \"Postgress\" is not a storage provider; use Sqlite or Postgres"], lines);
        Assert.False(Directory.Exists(dataDir));
    }
}
