// `thingyard id2 ...`: ID² products and plans, quota, identity batches (generate, import, export), status, the
// verification log, and `id2 verify`, the self-verification of step 5: with --key-file it runs as the device would, from
// the device's own provisioning file (csv line or the SDK emulator's .dev_key), stage by stage against the server API
// and the broker; without it the server runs the check with the identity's stored key (RunId2SelfVerification).
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Thingyard.Cli.Output;
using Thingyard.Cli.Simulation;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Id2;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Cli.Commands;

public static class Id2Commands
{
    public static Command Build(CliContext cli) => new("id2", "ID² device identity: products, plans, quota, identities and verification")
    {
        Products(cli), Create(cli), Plan(cli), Quota(cli), Allocate(cli), Batch(cli), Import(cli), Batches(cli), Export(cli), List(cli),
        Status(cli), Log(cli), Verify(cli),
    };

    static Command Products(CliContext cli)
    {
        var command = new Command("products", "List the ID² products: plan and quota");
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryId2ProductList", new RpcParams(), ct), body =>
            Table.Write(cli.Out, ["PRODUCT KEY", "NAME", "PATTERN", "CARRIER", "KEY TYPE", "QUOTA USED", "QUOTA LEFT"],
                body.GetProperty("Data").GetProperty("List").GetProperty("Id2ProductInfo").EnumerateArray().Select(p => (IReadOnlyList<string>)
                [
                    S(p, "ProductKey"), S(p, "Name"), S(p, "Pattern"), S(p, "Carrier"), S(p, "KeyType"),
                    S(p.GetProperty("Quota"), "Used"), S(p.GetProperty("Quota"), "Remaining"),
                ]).ToList())));
        return command;
    }

    static Command Create(CliContext cli)
    {
        var name = new Argument<string>("NAME") { Description = "Name of an ID²-area product (own platform or third-party system)" };
        var carrier = new Option<string>("--carrier") { Description = "se, km, tee or module", DefaultValueFactory = _ => "km" };
        var keyType = new Option<string>("--key-type") { Description = "aes, 3des, sm4, rsa or sm2", DefaultValueFactory = _ => "aes" };
        var command = new Command("create", "Create an ID² product in the ID² area, for a server of your own that calls the ID² server API")
        {
            name, carrier, keyType,
        };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateId2Product", new RpcParams
        {
            { "Name", r.GetValue(name) }, { "Pattern", "own" }, { "Carrier", r.GetValue(carrier) }, { "KeyType", r.GetValue(keyType) },
        }, ct), body => PrintProduct(cli, body.GetProperty("Data"))));
        return command;
    }

    static Command Plan(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product, or an IoT product whose AuthType is id2" };
        var carrier = new Option<string>("--carrier") { Description = "se, km, tee or module" };
        var keyType = new Option<string>("--key-type") { Description = "Key type of identities generated from now on: aes, 3des, sm4, rsa or sm2" };
        var whitelist = new Option<bool?>("--whitelist") { Description = "IoT products: only registered devices may connect with their ID²" };
        var command = new Command("plan", "Show or change a product's ID² plan (integration pattern, carrier, key type)") { productKey, carrier, keyType, whitelist };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc =>
            r.GetValue(carrier) is null && r.GetValue(keyType) is null && r.GetValue(whitelist) is null
                ? rpc.CallAsync("QueryId2Product", new RpcParams { { "ProductKey", r.GetValue(productKey) } }, ct)
                : rpc.CallAsync("UpdateId2ProductPlan", new RpcParams
                {
                    { "ProductKey", r.GetValue(productKey) }, { "Carrier", r.GetValue(carrier) }, { "KeyType", r.GetValue(keyType) },
                    { "Whitelist", r.GetValue(whitelist)?.ToString().ToLowerInvariant() },
                }, ct), body => PrintProduct(cli, body.GetProperty("Data"))));
        return command;
    }

    static Command Quota(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var command = new Command("quota", "Show a product's authentication quota: allocated, used, remaining") { productKey };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("GetId2Quota", new RpcParams { { "ProductKey", r.GetValue(productKey) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "ProductKey", "Allocated", "Used", "Remaining")));
        return command;
    }

    static Command Allocate(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var count = new Argument<int>("COUNT") { Description = "Activations to add (1 to 1,000,000)" };
        var command = new Command("allocate", "Add authentication quota to a product (the platform operator only)") { productKey, count };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("AllocateId2Quota", new RpcParams { { "ProductKey", r.GetValue(productKey) }, { "Count", r.GetValue(count) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "ProductKey", "Allocated", "Used", "Remaining")));
        return command;
    }

    static Command Batch(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var count = new Option<int>("--count") { Description = "Identities to generate (1 to 10,000; 1,000 for rsa and sm2)", Required = true };
        var keyType = new Option<string>("--key-type") { Description = "Key type (default: the product plan's)" };
        var command = new Command("batch", "Generate a batch of identities for a production line") { productKey, count, keyType };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("CreateId2Batch", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) }, { "Count", r.GetValue(count) }, { "KeyType", r.GetValue(keyType) },
        }, ct), body => Fields.Write(cli.Out, body.GetProperty("Data"), "BatchId", "ProductKey", "Source", "KeyType", "Count")));
        return command;
    }

    static Command Import(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var file = new Argument<string>("FILE") { Description = "CSV of id2,key lines (key hex; base64 DER for rsa; public keys accepted), or - for standard input" };
        var keyType = new Option<string>("--key-type") { Description = "aes, 3des, sm4, rsa or sm2", Required = true };
        var command = new Command("import", "Import identities of chips provisioned elsewhere") { productKey, file, keyType };
        command.SetAction((r, ct) => cli.CallAsync(r, async rpc => await rpc.CallAsync("ImportId2Identities", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) }, { "KeyType", r.GetValue(keyType) }, { "Csv", await InputFile.ReadTextAsync(r.GetValue(file)!, ct) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            Fields.Write(cli.Out, data.GetProperty("Batch"), "BatchId", "KeyType", "Count");
            var rejected = data.GetProperty("Rejected");
            if (rejected.GetArrayLength() == 0) return;
            cli.Out.WriteLine();
            Table.Write(cli.Out, ["LINE", "ID²", "REASON"], rejected.EnumerateArray().Select(x => (IReadOnlyList<string>)[S(x, "Line"), S(x, "Id2"), S(x, "Error")]).ToList());
        }));
        return command;
    }

    static Command Batches(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var paging = new Paging();
        var command = new Command("batches", "List a product's identity batches, newest first") { productKey };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryId2BatchList", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) }, { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            Table.Write(cli.Out, ["BATCH ID", "SOURCE", "CARRIER", "KEY TYPE", "COUNT", "EXPORTS", "CREATED BY", "CREATED (UTC)"],
                data.GetProperty("List").GetProperty("Id2BatchInfo").EnumerateArray().Select(b => (IReadOnlyList<string>)
                [
                    S(b, "BatchId"), S(b, "Source"), S(b, "Carrier"), S(b, "KeyType"), S(b, "Count"), S(b, "ExportCount"), S(b, "CreatedBy"), JsonText.UtcTime(b.GetProperty("GmtCreate")),
                ]).ToList());
            cli.Out.WriteLine(Paging.Footer(data.GetProperty("CurrentPage").GetInt32(), data.GetProperty("PageCount").GetInt32(), data.GetProperty("Total").GetInt32(), "batch"));
        }));
        return command;
    }

    static Command Export(CliContext cli)
    {
        var batchId = new Argument<string>("BATCH_ID") { Description = "The batch id (id2b_...)" };
        var format = new Option<string>("--format") { Description = "csv (id2,keyType,key) or km-demo (a zip of the ID² Client SDK emulator's .dev_key files)", DefaultValueFactory = _ => "csv" };
        var output = new Option<string>("--output", "-o") { Description = "The file to write", Required = true };
        var command = new Command("export", "Export a batch's provisioning file for the production line; keys leave the server only this way") { batchId, format, output };
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("ExportId2Batch", new RpcParams
        {
            { "BatchId", r.GetValue(batchId) }, { "Format", r.GetValue(format) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            var file = r.GetValue(output)!;
            try { File.WriteAllBytes(file, Convert.FromBase64String(data.GetProperty("Content").GetString()!)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"cannot write {file}: {e.Message}"); }
            cli.Out.WriteLine($"wrote {S(data, "Count")} identities to {file}");
        }));
        return command;
    }

    static Command List(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var batch = new Option<string>("--batch") { Description = "Only this batch's identities" };
        var status = new Option<string>("--status") { Description = "issued, activated, suspended or revoked" };
        var paging = new Paging();
        var command = new Command("list", "List a product's identities (never their keys)") { productKey, batch, status };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryId2IdentityList", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) }, { "BatchId", r.GetValue(batch) }, { "Status", r.GetValue(status) },
            { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            Table.Write(cli.Out, ["ID²", "KEY TYPE", "STATUS", "DEVICE", "ACTIVATED (UTC)"],
                data.GetProperty("List").GetProperty("Id2Info").EnumerateArray().Select(i => (IReadOnlyList<string>)
                [S(i, "Id2"), S(i, "KeyType"), S(i, "Status"), S(i, "DeviceName"), UtcTime(i, "Activated")]).ToList());
            cli.Out.WriteLine(Paging.Footer(data.GetProperty("CurrentPage").GetInt32(), data.GetProperty("PageCount").GetInt32(), data.GetProperty("Total").GetInt32(), "identity"));
        }));
        return command;
    }

    static Command Status(CliContext cli)
    {
        var id2 = new Argument<string>("ID2") { Description = "The ID²" };
        var status = new Argument<string>("STATUS") { Description = "suspended, active or revoked (for good)" };
        var command = new Command("status", "Suspend, resume or revoke an identity") { id2, status };
        command.SetAction((r, ct) => cli.CallAsync(r,
            rpc => rpc.CallAsync("SetId2Status", new RpcParams { { "Id2", r.GetValue(id2) }, { "Status", r.GetValue(status) } }, ct),
            body => Fields.Write(cli.Out, body.GetProperty("Data"), "Id2", "Status", "DeviceName")));
        return command;
    }

    static Command Log(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var id2 = new Option<string>("--id2") { Description = "Only this identity's checks" };
        var paging = new Paging();
        var command = new Command("log", "The verification log: every check of the product's identities, newest first") { productKey, id2 };
        paging.AddTo(command);
        command.SetAction((r, ct) => cli.CallAsync(r, rpc => rpc.CallAsync("QueryId2VerificationLog", new RpcParams
        {
            { "ProductKey", r.GetValue(productKey) }, { "Id2", r.GetValue(id2) }, { "CurrentPage", r.GetValue(paging.Page) ?? 1 }, { "PageSize", r.GetValue(paging.PageSize) },
        }, ct), body =>
        {
            var data = body.GetProperty("Data");
            Table.Write(cli.Out, ["TIME (UTC)", "ID²", "OPERATION", "CODE", "MESSAGE"],
                data.GetProperty("List").GetProperty("Id2Verification").EnumerateArray().Select(v => (IReadOnlyList<string>)
                [JsonText.UtcTime(v.GetProperty("Time")), S(v, "Id2"), S(v, "Operation"), S(v, "Code"), S(v, "Message")]).ToList());
            cli.Out.WriteLine(Paging.Footer(data.GetProperty("CurrentPage").GetInt32(), data.GetProperty("PageCount").GetInt32(), data.GetProperty("Total").GetInt32(), "check"));
        }));
        return command;
    }

    static Command Verify(CliContext cli)
    {
        var productKey = new Argument<string>("PK") { Description = "The ID² product" };
        var id2 = new Argument<string?>("ID2") { Description = "The identity (default: the first one in --key-file)", Arity = ArgumentArity.ZeroOrOne };
        var keyFile = new Option<string>("--key-file")
        {
            Description = "The device's provisioning: a csv (id2,keyType,key) or the SDK emulator's .dev_key (aes; sm4 with --key-type sm4). Without it the server checks with the stored key",
        };
        var keyType = new Option<string>("--key-type") { Description = "Key type of a .dev_key file", DefaultValueFactory = _ => "aes" };
        var deviceName = new Option<string>("--device-name") { Description = "IoT products: the device name to connect as (default: the bound one, else the ID²)" };
        var mqtt = new Option<string>("--mqtt") { Description = "MQTT broker, mqtt://host:port (default: the endpoint's host, port 1883)" };
        var command = new Command("verify", "Self-verification: take one identity through every stage and name the one that fails")
        {
            productKey, id2, keyFile, keyType, deviceName, mqtt,
        };
        command.SetAction((r, ct) => cli.RunAsync(async () =>
        {
            var (endpoint, keyId, secret) = cli.Config(r).Require();
            using var http = new HttpClient { BaseAddress = endpoint };
            var rpc = new ThingyardRpcClient(http, keyId, secret);
            JsonElement report;
            try
            {
                report = r.GetValue(keyFile) is { } file
                    ? await FromDeviceAsync(rpc, r.GetValue(productKey)!, await DeviceKeyAsync(file, r.GetValue(keyType)!, r.GetValue(id2), ct),
                        r.GetValue(deviceName), r.GetValue(mqtt) is { } url ? MqttEndpoint.Parse(url) : MqttEndpoint.Beside(endpoint), ct)
                    : (await rpc.CallAsync("RunId2SelfVerification", new RpcParams
                    {
                        { "ProductKey", r.GetValue(productKey) }, { "Id2", r.GetValue(id2) ?? throw new CliException("give the ID² (or --key-file)") },
                        { "DeviceName", r.GetValue(deviceName) },
                    }, ct)).GetProperty("Data");
            }
            catch (HttpRequestException e) { throw new CliException($"cannot reach {endpoint}: {e.Message}"); }
            if (r.GetValue(cli.Json)) JsonText.Write(cli.Out, report);
            else
                Table.Write(cli.Out, ["STAGE", "RESULT", "DETAIL"], report.GetProperty("Stages").EnumerateArray()
                    .Select(s => (IReadOnlyList<string>)[S(s, "Name"), S(s, "Status"), S(s, "Detail")]).ToList());
            if (!report.GetProperty("Passed").GetBoolean())
                throw new CliException($"self-verification failed at stage {report.GetProperty("FailedStage").GetString()}");
        }));
        return command;
    }

    /// <summary>The stages as a device runs them: its ID² known to the server, a challenge, its auth code verified (which
    /// activates it and uses quota), and for an IoT product an MQTT session.</summary>
    static async Task<JsonElement> FromDeviceAsync(ThingyardRpcClient rpc, string productKey, Id2Client device, string? deviceName, MqttEndpoint broker, CancellationToken ct)
    {
        var stages = new List<object>();
        string? failed = null;
        async Task<bool> Stage(string name, Func<Task<string>> run)
        {
            if (failed is not null) { stages.Add(new { Name = name, Status = "skipped", Detail = "not reached" }); return false; }
            try { stages.Add(new { Name = name, Status = "passed", Detail = await run() }); return true; }
            catch (Exception e) when (e is RpcCallException or InvalidOperationException or CliException)
            {
                failed = name;
                stages.Add(new { Name = name, Status = "failed", Detail = e.Message });
                return false;
            }
        }
        JsonElement product = default, before = default;
        string challenge = "";
        var activated = false;
        await Stage("identity", async () =>
        {
            product = (await rpc.CallAsync("QueryId2Product", new RpcParams { { "ProductKey", productKey } }, ct)).GetProperty("Data");
            var known = (await rpc.CallAsync("QueryId2IdentityList", new RpcParams { { "ProductKey", productKey }, { "Id2", device.Id2 } }, ct))
                .GetProperty("Data").GetProperty("List").GetProperty("Id2Info");
            if (known.GetArrayLength() == 0) throw new CliException($"ID² {device.Id2} is not an identity of product {productKey}");
            before = product.GetProperty("Quota");
            return $"The device holds ID² {device.Id2} ({device.Carrier.KeyType.Name()}, {S(known[0], "Status")}), known in product {productKey} ({S(product, "Pattern")} pattern).";
        });
        await Stage("challenge", async () =>
        {
            challenge = (await rpc.CallAsync("GetServerRandom", new RpcParams { { "Id2", device.Id2 } }, ct)).GetProperty("Data").GetString()!;
            return $"Server random {challenge} issued for ID² {device.Id2}.";
        });
        await Stage("authCode", async () =>
        {
            await rpc.CallAsync("Verify", new RpcParams { { "ProductKey", productKey }, { "Id2", device.Id2 }, { "AuthCode", device.ChallengeAuthCode(challenge) } }, ct);
            return "The device's auth code for the challenge verified.";
        });
        await Stage("activation", async () =>
        {
            var after = (await rpc.CallAsync("GetId2Quota", new RpcParams { { "ProductKey", productKey } }, ct)).GetProperty("Data");
            activated = after.GetProperty("Used").GetInt64() > before.GetProperty("Used").GetInt64();
            return activated ? "Activated by this check." : "Already active.";
        });
        await Stage("quota", async () =>
        {
            var after = (await rpc.CallAsync("GetId2Quota", new RpcParams { { "ProductKey", productKey } }, ct)).GetProperty("Data");
            return $"{S(after, "Used")} of {S(after, "Allocated")} used, {S(after, "Remaining")} left{(activated ? " (one by this check)" : "")}.";
        });
        if (failed is null && S(product, "Pattern") != "iot")
            stages.Add(new { Name = "mqtt", Status = "skipped", Detail = "Own-platform pattern: your server verifies devices; nothing connects here." });
        else
            await Stage("mqtt", async () =>
            {
                var name = deviceName ?? device.Id2;
                await using var client = new DeviceClient(new DeviceTriplet(productKey, name, ""), new DeviceClientOptions
                {
                    Host = broker.Host, Port = broker.Port, Tls = broker.Tls,
                    Credentials = () => Id2Credentials.Create(productKey, name, device, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), broker.Tls),
                });
                try { await client.ConnectAsync(ct); }
                catch (Exception e) when (e is not OperationCanceledException) { throw new CliException($"the session as {productKey}/{name} was refused: {e.Message}"); }
                await client.DisconnectAsync();
                return $"An MQTT session as {productKey}/{name} came up on {broker} with the ID² timestamp auth code.";
            });
        return JsonSerializer.SerializeToElement(new { Id2 = device.Id2, ProductKey = productKey, Passed = failed is null, FailedStage = failed, Stages = stages });
    }

    static async Task<Id2Client> DeviceKeyAsync(string file, string keyType, string? id2, CancellationToken ct)
    {
        var bytes = await InputFile.ReadBytesAsync(file, ct);
        if (Id2DevKeyFile.Looks(bytes))
        {
            var (readId, key) = Id2DevKeyFile.Read(bytes);
            if (!Id2KeyTypes.TryParse(keyType, out var type)) throw new CliException("--key-type must be aes or sm4 for a .dev_key file");
            return new Id2Client(new SoftwareKm(readId, Id2Key.Parse(type, Convert.ToHexString(key))));
        }
        var clients = ParseProvisioning(System.Text.Encoding.UTF8.GetString(bytes), file);
        return id2 is null ? clients[0] : clients.FirstOrDefault(c => string.Equals(c.Id2, id2, StringComparison.OrdinalIgnoreCase))
            ?? throw new CliException($"{file} holds no ID² {id2}");
    }

    /// <summary>The identities of a provisioning csv (id2,keyType,key), as software-KM devices; at least <paramref name="count"/>.</summary>
    public static async Task<List<Id2Client>> ReadProvisioningAsync(string file, int count, CancellationToken ct)
    {
        var clients = ParseProvisioning(await InputFile.ReadTextAsync(file, ct), file);
        if (clients.Count < count) throw new CliException($"{file} holds {clients.Count} identities, fewer than --count {count}");
        return clients;
    }

    static List<Id2Client> ParseProvisioning(string text, string file)
    {
        var clients = new List<Id2Client>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith("id2,", StringComparison.OrdinalIgnoreCase)) continue;
            var cells = line.Split(',');
            if (cells.Length != 3 || !Id2KeyTypes.TryParse(cells[1], out var type) || !Id2Identifier.IsValid(cells[0]))
                throw new CliException($"{file} line {i + 1}: expected id2,keyType,key");
            try { clients.Add(new Id2Client(new SoftwareKm(cells[0], Id2Key.Parse(type, cells[2])))); }
            catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
            { throw new CliException($"{file} line {i + 1}: {e.Message}"); }
        }
        if (clients.Count == 0) throw new CliException($"{file} holds no identity");
        return clients;
    }

    static void PrintProduct(CliContext cli, JsonElement p)
    {
        Fields.Write(cli.Out, p, "ProductKey", "Name", "Pattern", "Carrier", "KeyType", "Whitelist");
        var quota = p.GetProperty("Quota");
        cli.Out.WriteLine($"Quota: {S(quota, "Used")} of {S(quota, "Allocated")} used, {S(quota, "Remaining")} left");
    }


    static string S(JsonElement e, string name) => JsonText.Field(e, name);

    /// <summary>A time field the answer leaves out while it has no value (an identity not yet activated).</summary>
    static string UtcTime(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? JsonText.UtcTime(v) : "-";
}
