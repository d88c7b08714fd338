// The ID² onboarding end to end on a real server, as the "done when" walks it: plan → ID² product → quota 3 →
// a batch of identities → three simulated devices activate and connect over MQTT (quota 0) → a fourth is refused and
// nothing changes → the operator adds quota → it activates. And self-verification, stage by stage.
using MQTTnet;
using Thingyard.Protocol.Id2;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Id2.Id2Calls;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Id2;

public sealed class Id2FlowTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Devices_activate_against_the_quota_and_the_operator_lets_the_fourth_in()
    {
        var maker = await server.NewAccountAsync(Unique("maker"));
        var (pk, ids, _) = await server.IotProductWithIdentitiesAsync(maker, quota: 3, count: 4);
        Assert.Equal(4, ids.Count);
        Assert.All(ids, i => Assert.Matches("^[0-9A-F]{24}$", i.Id2));
        Assert.All(ids, i => Assert.Equal(Id2KeyType.Aes, i.Key.Type));

        var plan = (await server.CallAs(maker, "QueryId2Product", ("ProductKey", pk))).At("Data");
        Assert.Equal(("iot", "km", "aes"), (plan.Str("Pattern"), plan.Str("Carrier"), plan.Str("KeyType")));
        Assert.Equal((3, 0, 3), (plan.At("Quota.Allocated").GetInt32(), plan.At("Quota.Used").GetInt32(), plan.At("Quota.Remaining").GetInt32()));

        // Three devices register themselves under the names they report, and connect.
        var devices = new List<MqttDevice>();
        for (var n = 0; n < 3; n++)
        {
            var device = await MqttDevice.ConnectAsync(Options(server, pk, $"lamp{n}", Device(ids[n])), pk, $"lamp{n}");
            Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
            devices.Add(device);
        }
        var quota = (await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data");
        Assert.Equal((3, 0), (quota.At("Used").GetInt32(), quota.At("Remaining").GetInt32()));
        var lamp0 = (await server.CallAs(maker, "QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", "lamp0"))).At("Data");
        Assert.Equal("ONLINE", lamp0.Str("Status"));
        var listed = (await server.CallAs(maker, "QueryId2IdentityList", ("ProductKey", pk), ("Status", "activated"))).At("Data");
        Assert.Equal(3, listed.At("Total").GetInt32());
        Assert.Equal(["lamp0", "lamp1", "lamp2"], listed.At("List.Id2Info").Pluck("DeviceName").Order());

        // The fourth is refused for want of quota: no device appears, the identity stays issued, nothing is spent.
        await using (var fourth = await MqttDevice.ConnectAsync(Options(server, pk, "lamp3", Device(ids[3])), pk, "lamp3"))
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, fourth.ConnectResult!.ResultCode);
        var missing = await server.FailsAs(maker, "QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", "lamp3"));
        Assert.Equal("iot.device.NotExistedDevice", missing.Code);
        Assert.Equal(3, (await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data.Used").GetInt32());
        var log = (await server.CallAs(maker, "QueryId2VerificationLog", ("ProductKey", pk), ("Id2", ids[3].Id2))).At("Data.List.Id2Verification");
        Assert.Equal(16, log[0].At("Code").GetInt32());

        // Only the platform operator allocates quota.
        Assert.Equal("iot.common.RamActionPermissionDeny", (await server.FailsAs(maker, "AllocateId2Quota", ("ProductKey", pk), ("Count", "5"))).Code);
        await server.Call("AllocateId2Quota", ("ProductKey", pk), ("Count", "1"));
        await using (var fourth = await MqttDevice.ConnectAsync(Options(server, pk, "lamp3", Device(ids[3])), pk, "lamp3"))
            Assert.Equal(MqttClientConnectResultCode.Success, fourth.ConnectResult!.ResultCode);
        Assert.Equal((4, 0), ((await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data.Used").GetInt32(),
            (await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data.Remaining").GetInt32()));

        // Reconnecting spends nothing more; an identity bound to lamp0 cannot log in as another device.
        await devices[0].DisposeAsync();
        await using (var again = await MqttDevice.ConnectAsync(Options(server, pk, "lamp0", Device(ids[0])), pk, "lamp0"))
            Assert.Equal(MqttClientConnectResultCode.Success, again.ConnectResult!.ResultCode);
        await using (var other = await MqttDevice.ConnectAsync(Options(server, pk, "lamp9", Device(ids[0])), pk, "lamp9"))
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, other.ConnectResult!.ResultCode);
        Assert.Equal(4, (await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data.Used").GetInt32());
        foreach (var d in devices.Skip(1)) await d.DisposeAsync();
    }

    [Fact]
    public async Task An_identity_activated_through_the_server_API_is_bound_by_its_first_connect()
    {
        var maker = await server.NewAccountAsync(Unique("maker"));
        var (pk, ids, _) = await server.IotProductWithIdentitiesAsync(maker, quota: 2, count: 1);
        var device = Device(ids[0]);
        await server.CallAs(maker, "Verify", ("ProductKey", pk), ("Id2", ids[0].Id2), ("AuthCode", device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
        Assert.Equal(1, (await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data.Used").GetInt32());
        await using (var first = await MqttDevice.ConnectAsync(Options(server, pk, "door1", device), pk, "door1"))
            Assert.Equal(MqttClientConnectResultCode.Success, first.ConnectResult!.ResultCode);
        await using (var other = await MqttDevice.ConnectAsync(Options(server, pk, "door2", device), pk, "door2"))
            Assert.Equal(MqttClientConnectResultCode.NotAuthorized, other.ConnectResult!.ResultCode);
        var listed = (await server.CallAs(maker, "QueryId2IdentityList", ("ProductKey", pk))).At("Data.List.Id2Info")[0];
        Assert.Equal("door1", listed.Str("DeviceName"));
        Assert.Equal(1, (await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data.Used").GetInt32());
    }

    [Fact]
    public async Task A_captured_or_forged_connect_is_refused()
    {
        var maker = await server.NewAccountAsync(Unique("maker"));
        var (pk, ids, _) = await server.IotProductWithIdentitiesAsync(maker, quota: 5, count: 2);
        var device = Device(ids[0]);
        var c = Id2Credentials.Create(pk, "cam0", device, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await using (var first = await MqttDevice.ConnectAsync(Options(server, c.ClientId, c.UserName, c.Password), pk, "cam0"))
            Assert.Equal(MqttClientConnectResultCode.Success, first.ConnectResult!.ResultCode);

        // The same CONNECT again (a replay), as another device name, with a forged key, or a stale timestamp.
        await using (var replay = await MqttDevice.ConnectAsync(Options(server, c.ClientId, c.UserName, c.Password), pk, "cam0"))
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, replay.ConnectResult!.ResultCode);
        // (ids[1] is bound to no device yet: only the extra, the username, stops this one.)
        var renamed = Id2Credentials.Create(pk, "cam1", Device(ids[1]), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await using (var stolen = await MqttDevice.ConnectAsync(Options(server, renamed.ClientId.Replace("cam1", "cam2"), "cam2&" + pk, renamed.Password), pk, "cam2"))
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, stolen.ConnectResult!.ResultCode);
        var forged = new Id2Client(new SoftwareKm(ids[1].Id2, Id2Key.Generate(Id2KeyType.Aes)));
        await using (var wrongKey = await MqttDevice.ConnectAsync(Options(server, pk, "cam3", forged), pk, "cam3"))
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrongKey.ConnectResult!.ResultCode);
        var stale = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        await using (var old = await MqttDevice.ConnectAsync(Options(server, pk, "cam4", Device(ids[1]), stale), pk, "cam4"))
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, old.ConnectResult!.ResultCode);
        // None of these registered a device or spent quota.
        Assert.Equal(1, (await server.CallAs(maker, "GetId2Quota", ("ProductKey", pk))).At("Data.Used").GetInt32());
        var log = (await server.CallAs(maker, "QueryId2VerificationLog", ("ProductKey", pk))).At("Data.List.Id2Verification");
        // Newest first: the stale timestamp, the wrong key, the renamed device, the replay, the first connect.
        Assert.Equal([33, 21, 21, 34, 200], log.EnumerateArray().Take(5).Select(e => e.At("Code").GetInt32()).ToList());
    }

    [Fact]
    public async Task Self_verification_reports_every_stage_and_names_the_failing_one()
    {
        var maker = await server.NewAccountAsync(Unique("maker"));
        var (pk, ids, _) = await server.IotProductWithIdentitiesAsync(maker, quota: 1, count: 2);

        var report = (await server.CallAs(maker, "RunId2SelfVerification", ("ProductKey", pk), ("Id2", ids[0].Id2), ("DeviceName", "probe"))).At("Data");
        Assert.True(report.At("Passed").GetBoolean(), report.ToString());
        Assert.Equal(["identity", "challenge", "authCode", "activation", "quota", "mqtt"], report.At("Stages").Pluck("Name"));
        Assert.All(report.At("Stages").EnumerateArray(), s => Assert.Equal("passed", s.Str("Status")));
        Assert.Contains("1 of 1 used", report.At("Stages")[4].Str("Detail"));

        // A device provisioned with the wrong key fails at the auth code, and nothing after it runs.
        var wrong = Id2Key.Generate(Id2KeyType.Aes).Material;
        var failed = (await server.CallAs(maker, "RunId2SelfVerification", ("ProductKey", pk), ("Id2", ids[1].Id2), ("Key", wrong))).At("Data");
        Assert.False(failed.At("Passed").GetBoolean());
        Assert.Equal("authCode", failed.Str("FailedStage"));
        Assert.Equal(["passed", "passed", "failed", "skipped", "skipped", "skipped"], failed.At("Stages").Pluck("Status"));
        Assert.Contains("21", failed.At("Stages")[2].Str("Detail"));

        // With the right key, the second identity now stops at activation: the quota is used up.
        var noQuota = (await server.CallAs(maker, "RunId2SelfVerification", ("ProductKey", pk), ("Id2", ids[1].Id2))).At("Data");
        Assert.Equal("activation", noQuota.Str("FailedStage"));
        Assert.Contains("quota", noQuota.At("Stages")[3].Str("Detail"));
    }
}
