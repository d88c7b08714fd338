// The thingyard CLI run in-process against a live server: what each command prints, and how it fails.
using System.Text.Json;
using Thingyard.Cli;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cli;

public sealed class CliTests(ThingyardServer server) : IClassFixture<ThingyardServer>, IDisposable
{
    readonly string _configDir = Path.Combine(Path.GetTempPath(), "thingyard-cli-tests", Guid.NewGuid().ToString("N"));

    string ConfigPath => Path.Combine(_configDir, "config.json");

    public void Dispose()
    {
        if (Directory.Exists(_configDir)) Directory.Delete(_configDir, recursive: true);
    }

    /// <summary>The live server's endpoint and admin key in the environment; the config file is this test's own (and absent until set).</summary>
    Dictionary<string, string?> Configured() => new()
    {
        ["THINGYARD_CONFIG"] = ConfigPath,
        ["THINGYARD_ENDPOINT"] = server.BaseAddress.ToString(),
        ["THINGYARD_ACCESS_KEY_ID"] = ThingyardServer.AdminKeyId,
        ["THINGYARD_ACCESS_KEY_SECRET"] = ThingyardServer.AdminSecret,
    };

    Dictionary<string, string?> Unconfigured() => new()
    {
        ["THINGYARD_CONFIG"] = ConfigPath,
        ["THINGYARD_ENDPOINT"] = null,
        ["THINGYARD_ACCESS_KEY_ID"] = null,
        ["THINGYARD_ACCESS_KEY_SECRET"] = null,
    };

    static async Task<(int Code, string Out, string Err)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, environment);
        return (code, stdout.ToString(), stderr.ToString());
    }

    Task<(int Code, string Out, string Err)> RunAsync(params string[] args) => RunAsync(Configured(), args);

    /// <summary>The value of a "Key: value" line of human output.</summary>
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    static string UniqueName(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    async Task<string> CreateProductAsync()
    {
        var (code, output, error) = await RunAsync("product", "create", UniqueName("Cli"));
        Assert.True(code == 0, error);
        return Field(output, "ProductKey");
    }

    [Fact]
    public async Task Created_product_appears_in_the_list()
    {
        var name = UniqueName("Cli_list");
        var (code, output, error) = await RunAsync("product", "create", name, "--node-type", "gateway", "--description", "from the CLI");
        Assert.True(code == 0, error);
        var productKey = Field(output, "ProductKey");
        Assert.Equal(name, Field(output, "ProductName"));

        var list = await RunAsync("product", "list", "--page-size", "200");
        Assert.Equal(0, list.Code);
        var row = list.Out.Split('\n').Single(l => l.StartsWith(productKey, StringComparison.Ordinal));
        Assert.Contains(name, row);
        Assert.Contains("gateway", row);
        Assert.StartsWith("PRODUCT KEY", list.Out);
    }

    [Fact]
    public async Task Json_output_is_the_response_body()
    {
        var name = UniqueName("Cli_json");
        var (code, output, _) = await RunAsync("product", "create", name, "--json");
        Assert.Equal(0, code);
        var created = JsonDocument.Parse(output).RootElement;
        var productKey = created.Str("ProductKey");
        Assert.False(string.IsNullOrEmpty(productKey));

        var shown = JsonDocument.Parse((await RunAsync("product", "show", productKey, "--json")).Out).RootElement;
        Assert.Equal(name, shown.Str("Data.ProductName"));
        Assert.Equal(created.Str("Data.ProductSecret"), shown.Str("Data.ProductSecret"));
    }

    [Fact]
    public async Task Registered_device_shows_the_secret_the_server_holds()
    {
        var productKey = await CreateProductAsync();
        var registered = await RunAsync("device", "register", productKey, "cli-dev1", "--nickname", "Kitchen");
        Assert.True(registered.Code == 0, registered.Err);

        var (code, output, _) = await RunAsync("device", "show", productKey, "cli-dev1");
        Assert.Equal(0, code);
        var info = await server.Rpc().CallAsync("QueryDeviceInfo", [new("ProductKey", productKey), new("DeviceName", "cli-dev1")]);
        Assert.Equal(info.Str("Data.DeviceSecret"), Field(output, "DeviceSecret"));
        Assert.Equal(Field(registered.Out, "DeviceSecret"), Field(output, "DeviceSecret"));
        Assert.Equal(productKey, Field(output, "ProductKey"));

        var list = await RunAsync("device", "list", productKey, "--status", "unactive");
        Assert.Equal(0, list.Code);
        Assert.Contains(list.Out.Split('\n'), l => l.StartsWith("cli-dev1", StringComparison.Ordinal) && l.Contains("Kitchen"));
        Assert.Contains("1 device", list.Out);
    }

    [Fact]
    public async Task Published_thing_model_has_the_imported_property()
    {
        var productKey = await CreateProductAsync();
        var file = WriteFile("tsl.json", $$"""
            {
              "schema": "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json",
              "profile": { "productKey": "{{productKey}}" },
              "properties": [
                { "identifier": "temperature", "name": "Temperature", "accessMode": "r", "required": false,
                  "dataType": { "type": "float", "specs": { "min": "-40", "max": "120", "step": "0.1", "unit": "°C" } } }
              ],
              "events": [],
              "services": []
            }
            """);

        var imported = await RunAsync("tsl", "import", productKey, file);
        Assert.True(imported.Code == 0, imported.Err);
        var published = await RunAsync("tsl", "publish", productKey, "--version", "1.0", "--description", "first");
        Assert.True(published.Code == 0, published.Err);

        var (code, output, _) = await RunAsync("tsl", "show", productKey, "--published");
        Assert.Equal(0, code);
        var tsl = JsonDocument.Parse(output).RootElement;
        Assert.Contains(tsl.GetProperty("properties").EnumerateArray(), p => p.Str("identifier") == "temperature");
    }

    [Fact]
    public async Task Invalid_tsl_is_refused_with_the_iot_code()
    {
        var productKey = await CreateProductAsync();
        var file = WriteFile("bad.json", """
            { "properties": [ { "identifier": "temperature", "name": "Temperature", "accessMode": "r",
                                "dataType": { "type": "no-such-type", "specs": {} } } ],
              "events": [], "services": [] }
            """);

        var (code, _, error) = await RunAsync("tsl", "import", productKey, file);
        Assert.Equal(1, code);
        Assert.StartsWith("error: iot.tsl.InvalidTsl: ", error);
    }

    [Fact]
    public async Task Unknown_product_fails_with_the_iot_code()
    {
        var (code, output, error) = await RunAsync("product", "show", "a1NoSuchProd");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: iot.prod.NotExistedProduct: ", error);
    }

    [Fact]
    public async Task Without_configuration_commands_say_how_to_configure()
    {
        var (code, output, error) = await RunAsync(Unconfigured(), "product", "list");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: no endpoint, access key id, access key secret configured", error);
        Assert.Contains("thingyard config set", error);
    }

    [Fact]
    public async Task Config_set_is_what_later_commands_use_and_show_masks_the_secret()
    {
        var env = Unconfigured();
        var set = await RunAsync(env, "config", "set", "--endpoint", server.BaseAddress.ToString(),
            "--access-key-id", ThingyardServer.AdminKeyId, "--access-key-secret", ThingyardServer.AdminSecret);
        Assert.True(set.Code == 0, set.Err);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ConfigPath));

        var (code, output, _) = await RunAsync(env, "config", "show");
        Assert.Equal(0, code);
        Assert.Contains(server.BaseAddress.ToString(), output);
        Assert.Contains(ThingyardServer.AdminKeyId, output);
        Assert.Contains("****" + ThingyardServer.AdminSecret[^4..], output);
        Assert.DoesNotContain(ThingyardServer.AdminSecret, output);

        Assert.Equal(0, (await RunAsync(env, "product", "list")).Code);
    }

    [Fact]
    public async Task Options_override_the_environment_which_overrides_the_file()
    {
        var env = Unconfigured();
        await RunAsync(env, "config", "set", "--endpoint", "http://127.0.0.1:1", "--access-key-id", ThingyardServer.AdminKeyId,
            "--access-key-secret", "not-the-secret");
        env["THINGYARD_ENDPOINT"] = server.BaseAddress.ToString();

        var wrongSecret = await RunAsync(env, "product", "list");
        Assert.Equal(1, wrongSecret.Code);
        Assert.StartsWith("error: SignatureDoesNotMatch: ", wrongSecret.Err);

        var overridden = await RunAsync(env, "--access-key-secret", ThingyardServer.AdminSecret, "product", "list");
        Assert.True(overridden.Code == 0, overridden.Err);
    }

    [Fact]
    public async Task Usage_errors_exit_with_two()
    {
        Assert.Equal(2, (await RunAsync("product", "create")).Code);
        Assert.Equal(2, (await RunAsync("product", "create", "Cli_bad_type", "--node-type", "toaster")).Code);
        Assert.Equal(2, (await RunAsync(Unconfigured(), "config", "set")).Code);
    }

    string WriteFile(string name, string text)
    {
        Directory.CreateDirectory(_configDir);
        var path = Path.Combine(_configDir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
