// Device transfer over real HTTP and MQTT: the owner proposes, the target sees it pending and declines; proposed again,
// the target accepts, the connected device is dropped and reconnects with its unchanged credentials as the target's,
// its data goes with it, the product stays the old owner's and read-only to the new one, and authorizations the old
// owner gave of the device end. Transfer and distribution refuse each other; bad proposals change nothing; a pending
// transfer expires after 7 days.
using Thingyard.Sharing;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Sharing;

public sealed class DeviceTransferTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_declined_transfer_changes_nothing_and_an_accepted_one_moves_the_device_with_its_credentials_and_data()
    {
        var targetName = Unique("target");
        var target = await server.NewAccountAsync(targetName);
        var watcher = await server.NewAccountAsync(Unique("watcher"));
        var pk = await server.ReleasedLampAsync();
        var device = await server.NewDeviceAsync(pk);
        var (name, secret) = (device.Str("DeviceName"), device.Str("DeviceSecret"));
        (string, string) Pk() => ("ProductKey", pk);
        (string, string) Name() => ("DeviceName", name);
        // The old owner had authorized it to a third account.
        await server.Call("AuthorizeDevices", Pk(), ("DeviceName.1", name), ("TargetUid", watcher.AccountUid));

        var first = (await server.Call("CreateDeviceTransfer", Pk(), ("DeviceName.1", name), ("TargetAccountName", targetName))).At("Data");
        Assert.Equal("PENDING", first.Str("Status"));
        Assert.Equal((long)TimeSpan.FromDays(7).TotalMilliseconds, first.At("GmtExpire").GetInt64() - first.At("GmtCreate").GetInt64());
        Assert.Equal("iot.transfer.TransferConflict", (await server.Fails("CreateDeviceTransfer", Pk(), ("DeviceName.1", name), ("TargetUid", target.AccountUid))).Code);
        Assert.Equal("iot.authorization.ConflictWithDistribution",
            (await server.Fails("CreateDeviceDistributeJob", Pk(), ("DeviceName.1", name), ("TargetInstanceId", "iotx-elsewhere"), ("Strategy", "0"))).Code);
        var pending = Assert.Single((await server.CallAs(target, "QueryDeviceTransferList", ("Type", "INCOMING"), ("Status", "PENDING"))).At("Data.List.TransferInfo").EnumerateArray());
        Assert.Equal([name], pending.At("DeviceNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(pk, pending.Str("ProductKey"));
        // Only the target decides; the owner may only cancel.
        Assert.Equal("iot.transfer.NotExistedTransfer", (await server.Fails("AcceptDeviceTransfer", ("TransferId", first.Str("TransferId")))).Code);
        await server.CallAs(target, "DeclineDeviceTransfer", ("TransferId", first.Str("TransferId")));
        Assert.Equal("DECLINED", (await server.Call("QueryDeviceTransferList", ("Type", "OUTGOING"))).At("Data.List.TransferInfo")[0].Str("Status"));
        Assert.Equal("iot.transfer.TransferNotPending", (await server.FailsAs(target, "AcceptDeviceTransfer", ("TransferId", first.Str("TransferId")))).Code);
        Assert.Equal(secret, (await server.Call("QueryDeviceDetail", Pk(), Name())).Str("Data.DeviceSecret")); // still the owner's

        // Connected, posting; proposed again and accepted.
        await using var connected = await MqttDevice.ConnectAsync(server, pk, name, secret);
        await connected.RequestAsync(connected.Sys("thing/event/property/post"), "thing.event.property.post", """{"Level":4}""", qos: 1);
        var second = (await server.Call("CreateDeviceTransfer", Pk(), ("DeviceName.1", name), ("TargetUid", target.AccountUid))).Str("Data.TransferId");
        var moved = (await server.CallAs(target, "AcceptDeviceTransfer", ("TransferId", second))).At("Data.DeviceNames");
        Assert.Equal([name], moved.EnumerateArray().Select(e => e.GetString()));

        // Dropped, and back with the same credentials as the target's device.
        await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(connected.Client.IsConnected), c => !c);
        await using (var again = await MqttDevice.ConnectAsync(server, pk, name, secret))
        {
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, again.ConnectResult!.ResultCode);
            await again.RequestAsync(again.Sys("thing/event/property/post"), "thing.event.property.post", """{"Level":5}""", qos: 1);
        }
        var mine = (await server.CallAs(target, "QueryDeviceDetail", Pk(), Name())).At("Data");
        Assert.Equal(secret, mine.Str("DeviceSecret")); // now the target's own
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("QueryDeviceDetail", Pk(), Name())).Code);
        // Its data came with it.
        var history = await ConnectivityCalls.EventuallyAsync(() => server.CallAs(target, "QueryDevicePropertyData", Pk(), Name(), ("Identifier", "Level"),
                ("StartTime", "0"), ("EndTime", DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds().ToString()), ("Asc", "1"), ("PageSize", "10")),
            r => r.At("Data.List.PropertyInfo").GetArrayLength() == 2);
        Assert.Equal(["4", "5"], history.At("Data.List.PropertyInfo").EnumerateArray().Select(p => p.Str("Value")));
        // The product stays the old owner's: read-only to the target, and its authorization stays while the target owns devices of it.
        Assert.Equal("", (await server.CallAs(target, "QueryProduct", Pk())).Str("Data.ProductSecret"));
        Assert.Equal("iot.authorization.OwnerOnlyOperation", (await server.FailsAs(target, "UpdateProduct", Pk(), ("Description", "mine"))).Code);
        Assert.Equal("iot.authorization.DevicesStillAuthorized", (await server.Fails("RevokeProductAuthorization", Pk(), ("TargetUid", target.AccountUid))).Code);
        // The old owner's authorization of it ended; the new owner may command it.
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(watcher, "QueryDeviceDetail", Pk(), Name())).Code);
        await server.CallAs(target, "DisableThing", Pk(), Name());
        Assert.Equal("DISABLE", (await server.CallAs(target, "QueryDeviceDetail", Pk(), Name())).Str("Data.Status"));
    }

    [Fact]
    public async Task Bad_transfers_are_refused_and_change_nothing()
    {
        var target = await server.NewAccountAsync(Unique("target"));
        var pk = await server.ReleasedLampAsync();
        var name = (await server.NewDeviceAsync(pk)).Str("DeviceName");
        Assert.Equal("iot.account.NotExistedAccount", (await server.Fails("CreateDeviceTransfer", ("ProductKey", pk), ("DeviceName.1", name), ("TargetUid", "1999999999999999"))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("CreateDeviceTransfer", ("ProductKey", pk), ("DeviceName.1", "nobody"), ("TargetUid", target.AccountUid))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(target, "CreateDeviceTransfer", ("ProductKey", pk), ("DeviceName.1", name), ("TargetUid", target.AccountUid))).Code);
        Assert.Equal("iot.transfer.NotExistedTransfer", (await server.FailsAs(target, "AcceptDeviceTransfer", ("TransferId", "dt_nothing"))).Code);
        Assert.Empty((await server.CallAs(target, "QueryDeviceTransferList")).At("Data.List.TransferInfo").EnumerateArray());

        // A cancelled proposal cannot be accepted.
        var id = (await server.Call("CreateDeviceTransfer", ("ProductKey", pk), ("DeviceName.1", name), ("TargetUid", target.AccountUid))).Str("Data.TransferId");
        await server.Call("CancelDeviceTransfer", ("TransferId", id));
        Assert.Equal("iot.transfer.TransferNotPending", (await server.FailsAs(target, "AcceptDeviceTransfer", ("TransferId", id))).Code);
        Assert.NotEmpty((await server.Call("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", name))).Str("Data.DeviceSecret"));
    }

    [Fact]
    public void A_pending_transfer_shows_expired_once_its_seven_days_are_over()
    {
        var t = new DeviceTransfer { TransferId = "dt_x", CreatedAtMs = 0, ExpiresAtMs = (long)DeviceTransfers.Validity.TotalMilliseconds };
        Assert.Equal(TransferStatus.Pending, t.StatusAt(t.ExpiresAtMs - 1));
        Assert.Equal(TransferStatus.Expired, t.StatusAt(t.ExpiresAtMs));
        t.Status = TransferStatus.Declined;
        Assert.Equal(TransferStatus.Declined, t.StatusAt(t.ExpiresAtMs + 1));
    }
}
