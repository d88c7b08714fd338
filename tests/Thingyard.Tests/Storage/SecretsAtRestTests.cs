// Device and product secrets, device tokens, alarm rules' webhook tokens and rule actions' configurations (a webhook's
// token) are stored sealed with the master key (the
// raw column never holds the secret), while connects, registration and the owner's queries see the clear values; a database from before sealing
// is sealed at start, and a new master key re-seals everything when the old one is given as the previous key.
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using Thingyard.Protocol.Signing;
using Thingyard.Accounts;
using Thingyard.Connectivity;
using Thingyard.Storage;
using Thingyard.Tests.Alarms;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Storage;

public sealed class SecretsAtRestTests
{
    /// <summary>The raw column values, as another program reading the database would see them.</summary>
    static async Task<List<string?>> RawAsync(ThingyardServer server, string sql, params (string Name, object Value)[] p)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in p) Add(cmd, name, value);
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<string?>();
        if (await reader.ReadAsync())
            for (var i = 0; i < reader.FieldCount; i++) values.Add(reader.IsDBNull(i) ? null : reader.GetString(i));
        return values;
    }

    static async Task ExecAsync(ThingyardServer server, string sql, params (string Name, object Value)[] p)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in p) Add(cmd, name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    static void Add(DbCommand cmd, string name, object value)
    {
        var parameter = cmd.CreateParameter();
        (parameter.ParameterName, parameter.Value) = (name, value);
        cmd.Parameters.Add(parameter);
    }

    const string DeviceRow = """SELECT "DeviceSecret", "DeviceToken" FROM "Devices" WHERE "ProductKey" = @pk AND "DeviceName" = @dn""";
    const string ProductRow = """SELECT "ProductSecret" FROM "Products" WHERE "ProductKey" = @pk""";
    const string AlarmRuleRow = """SELECT "WebhookToken" FROM "AlarmRules" WHERE "Id" = @id""";
    const string RuleActionRow = """SELECT "Configuration" FROM "RuleActions" WHERE "Id" = @id""";

    static void AssertSealed(string clear, string? stored)
    {
        Assert.NotNull(stored);
        Assert.StartsWith(SecretProtector.SealedPrefix, stored);
        Assert.DoesNotContain(clear, stored);
    }

    static async Task AssertWorksAsync(ThingyardServer server, string pk, string productSecret, TestDevice d)
    {
        await using (var device = await server.ConnectAsync(d))
            Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        Assert.Equal(d.DeviceSecret, (await server.Call("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", d.DeviceName))).Str("Data.DeviceSecret"));
        Assert.Equal(productSecret, (await server.Call("QueryProduct", ("ProductKey", pk))).Str("Data.ProductSecret"));
    }

    [Fact]
    public async Task Secrets_are_sealed_in_the_database_and_connects_registration_and_queries_see_them_clear()
    {
        await using var server = new ThingyardServer();
        await server.InitializeAsync();
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        AssertSealed(productSecret, (await RawAsync(server, ProductRow, ("@pk", pk)))[0]);
        AssertSealed(d.DeviceSecret, (await RawAsync(server, DeviceRow, ("@pk", pk), ("@dn", d.DeviceName)))[0]);
        await AssertWorksAsync(server, pk, productSecret, d);

        // Registration checks the sign against the product secret and issues a new secret, sealed as well.
        var registration = server.Services.GetRequiredService<DynamicRegistration>();
        var pre = await server.NewTestDeviceAsync(pk);
        var sign = DeviceSignature.Sign("hmacsha1", productSecret, $"deviceName{pre.DeviceName}productKey{pk}random{"r1"}");
        var issued = await registration.RegisterAsync(pk, pre.DeviceName, "r1", "hmacsha1", sign, registrationFree: false);
        Assert.True(issued.Ok, issued.Message);
        AssertSealed(issued.DeviceSecret!, (await RawAsync(server, DeviceRow, ("@pk", pk), ("@dn", pre.DeviceName)))[0]);
        await using (var device = await server.ConnectAsync(pre with { DeviceSecret = issued.DeviceSecret! }))
            Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);

        // A registration-free device's token too.
        var free = RegistryCalls.Unique("nwl");
        var token = (await registration.RegisterAsync(pk, free, "r2", "hmacsha1",
            DeviceSignature.Sign("hmacsha1", productSecret, $"deviceName{free}productKey{pk}random{"r2"}"), registrationFree: true)).DeviceToken!;
        AssertSealed(token, (await RawAsync(server, DeviceRow, ("@pk", pk), ("@dn", free)))[1]);
        var connWl = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", server.MqttPort)
            .WithClientId($"{pk}.{free}|securemode=-2,authType=connwl|").WithCredentials($"{free}&{pk}", token)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60)).WithTimeout(TimeSpan.FromSeconds(10)).Build();
        await using (var device = await MqttDevice.ConnectAsync(connWl, pk, free))
            Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task A_database_with_clear_secrets_is_sealed_at_start()
    {
        await using var server = new ThingyardServer();
        await server.InitializeAsync();
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        // An alarm rule's webhook token is sealed when the rule is made.
        const string hookToken = "alarm-token-at-rest";
        var ruleId = long.Parse(await server.ThresholdRuleAsync(await server.NewModelledProductAsync(), ">", "40", ("WebhookToken", hookToken)));
        AssertSealed(hookToken, (await RawAsync(server, AlarmRuleRow, ("@id", ruleId)))[0]);
        // So is a rule's webhook action configuration, which carries its token; GetRuleAction shows it clear.
        var rule = (await server.Call("CreateRule", ("Name", RegistryCalls.Unique("sealed")), ("Topic", $"/{pk}/+/user/data"), ("Select", "*"))).At("RuleId").GetInt64();
        var webhook = """{"url":"https://127.0.0.1:9/hook","token":"rule-token-at-rest"}""";
        var actionId = (await server.Call("CreateRuleAction", ("RuleId", rule.ToString()), ("Type", "WEBHOOK"), ("Configuration", webhook))).At("ActionId").GetInt64();
        AssertSealed("rule-token-at-rest", (await RawAsync(server, RuleActionRow, ("@id", actionId)))[0]);
        // As a version before sealing left them.
        await ExecAsync(server, """UPDATE "AlarmRules" SET "WebhookToken" = @s WHERE "Id" = @id""", ("@s", hookToken), ("@id", ruleId));
        await ExecAsync(server, """UPDATE "RuleActions" SET "Configuration" = @s WHERE "Id" = @id""", ("@s", webhook), ("@id", actionId));
        await ExecAsync(server, """UPDATE "Products" SET "ProductSecret" = @s WHERE "ProductKey" = @pk""", ("@s", productSecret), ("@pk", pk));
        await ExecAsync(server, """UPDATE "Devices" SET "DeviceSecret" = @s WHERE "ProductKey" = @pk AND "DeviceName" = @dn""",
            ("@s", d.DeviceSecret), ("@pk", pk), ("@dn", d.DeviceName));

        await server.RestartAsync();
        var sealedProduct = (await RawAsync(server, ProductRow, ("@pk", pk)))[0];
        var sealedDevice = (await RawAsync(server, DeviceRow, ("@pk", pk), ("@dn", d.DeviceName)))[0];
        AssertSealed(productSecret, sealedProduct);
        AssertSealed(d.DeviceSecret, sealedDevice);
        AssertSealed(hookToken, (await RawAsync(server, AlarmRuleRow, ("@id", ruleId)))[0]);
        AssertSealed("rule-token-at-rest", (await RawAsync(server, RuleActionRow, ("@id", actionId)))[0]);
        Assert.Equal(webhook, (await server.Call("GetRuleAction", ("ActionId", actionId.ToString()))).At("RuleActionInfo.Configuration").GetString());
        await AssertWorksAsync(server, pk, productSecret, d);

        // Exactly once: the next start leaves sealed values as they are.
        await server.RestartAsync();
        Assert.Equal(sealedProduct, (await RawAsync(server, ProductRow, ("@pk", pk)))[0]);
        Assert.Equal(sealedDevice, (await RawAsync(server, DeviceRow, ("@pk", pk), ("@dn", d.DeviceName)))[0]);
    }

    [Fact]
    public async Task A_new_master_key_reseals_everything_when_the_old_one_is_given_as_previous()
    {
        var keys = Path.Combine(Path.GetTempPath(), "thingyard-tests", "keys-" + Guid.NewGuid().ToString("N"));
        var (oldKey, newKey) = (Path.Combine(keys, "old.key"), Path.Combine(keys, "new.key"));
        try
        {
            await using var server = new ThingyardServer();
            server.Settings["Thingyard:Security:MasterKeyPath"] = oldKey; // outside the data folder
            await server.InitializeAsync();
            Assert.True(File.Exists(oldKey));
            Assert.False(File.Exists(Path.Combine(server.DataDir, "master.key")));
            var (pk, productSecret) = await server.NewRegistrationProductAsync();
            var d = await server.NewTestDeviceAsync(pk);

            File.WriteAllText(newKey, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
            server.Settings["Thingyard:Security:MasterKeyPath"] = newKey;
            server.Settings["Thingyard:Security:PreviousMasterKeyPath"] = oldKey;
            await server.RestartAsync();
            var fresh = SecretProtector.FromKeyFile(newKey);
            Assert.Equal(d.DeviceSecret, fresh.OpenValue((await RawAsync(server, DeviceRow, ("@pk", pk), ("@dn", d.DeviceName)))[0]!));
            Assert.Equal(productSecret, fresh.OpenValue((await RawAsync(server, ProductRow, ("@pk", pk)))[0]!));

            server.Settings.Remove("Thingyard:Security:PreviousMasterKeyPath");
            await server.RestartAsync();
            await AssertWorksAsync(server, pk, productSecret, d); // the admin AccessKey was re-sealed too: the API answers
            await using (var tls = await DeviceKit.ConnectAsync(server, d, new ConnectStyle { SecureMode = "2", Tls = true }))
                Assert.Equal(MqttClientConnectResultCode.Success, tls.ConnectResult!.ResultCode); // the TLS key moved to the new key

            // The old key alone no longer opens anything: the start stops and says why.
            server.Settings["Thingyard:Security:MasterKeyPath"] = oldKey;
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(server.RestartAsync);
            Assert.Contains("does not open the stored", refused.Message);
        }
        finally
        {
            try { Directory.Delete(keys, recursive: true); } catch (IOException) { }
        }
    }
}
