// Distribution between real instances: what moves, what stays, what is refused, and what the device sees.
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Distribution;

public sealed class DistributionJobTests(Federation fed) : IClassFixture<Federation>
{
    [Fact]
    public async Task Devices_distributed_from_A_to_B_connect_to_B_with_their_triplet_and_A_refuses_them()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var online = await fed.A.NewTestDeviceAsync(pk);
        var offline = await fed.A.NewTestDeviceAsync(pk);
        await using var device = await fed.A.ConnectAsync(online);
        await device.SubscribeAsync(device.Sys("thing/bootstrap/notify"));
        var dropped = Thingyard.Tests.Devices.DeviceKit.Disconnected(device.Client);

        var jobId = await fed.A.DistributeAsync(pk, [online.DeviceName, offline.DeviceName, "ghost_device"], 0, [Federation.BInfo.Id]);
        var job = await fed.A.FinishedAsync(jobId);
        Assert.Equal(2, job.GetProperty("Status").GetInt32());
        Assert.Equal(3, job.GetProperty("Total").GetInt32());

        // The online device is told to bootstrap again, then dropped.
        var notify = await device.NextAsync(r => r.Topic == device.Sys("thing/bootstrap/notify"));
        Assert.Equal("thing.bootstrap.notify", notify.Json.GetProperty("method").GetString());
        Assert.Equal(0, notify.Json.GetProperty("params").GetProperty("cmd").GetInt32());
        // The platform drops the device 300 ms after the notify whether or not it replies; on a slow run the reply
        // comes too late to be sent, which is the device's lot too.
        try { await device.PublishAsync(device.Sys("thing/bootstrap/notify_reply"), "{\"id\":\"" + notify.Json.GetProperty("id").GetString() + "\",\"code\":200,\"data\":{}}"); }
        catch (MQTTnet.Exceptions.MqttClientNotConnectedException) { }
        await dropped.WaitAsync(TimeSpan.FromSeconds(10));

        // Bootstrap from any instance now points at B; B takes the unchanged triplet, A refuses it.
        foreach (var at in new[] { fed.A, fed.B, fed.C })
            Assert.Equal(fed.B.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(at, pk, offline.DeviceName)));
        Assert.Equal("UNACTIVE", await fed.B.StatusAsync(offline));
        await using (var atB = await fed.B.ConnectAsync(offline))
        {
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, atB.ConnectResult!.ResultCode);
            var reply = await atB.RequestAsync(atB.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":22.5}""");
            Assert.Equal(200, reply.GetProperty("code").GetInt32()); // the thing model travelled with the product
        }
        await using (var atA = await fed.A.ConnectAsync(offline))
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.NotAuthorized, atA.ConnectResult!.ResultCode);

        var results = await fed.A.ResultsAsync(jobId);
        Assert.Equal(200, results[online.DeviceName].Code);
        Assert.Equal(200, results[offline.DeviceName].Code);
        Assert.Equal(404, results["ghost_device"].Code);
        Assert.Contains("not found", results["ghost_device"].Result);

        var listed = await fed.A.Call("ListDistributedDevice", ("ProductKey", pk));
        Assert.Equal(2, listed.At("Data").GetProperty("Total").GetInt32());
        var products = await fed.A.Call("ListDistributedProduct", ("ProductKey", pk));
        Assert.Equal(Federation.BInfo.Id, products.At("Data").GetProperty("Info").GetProperty("items")[0].GetProperty("TargetInstanceId").GetString());
    }

    [Fact]
    public async Task Each_restriction_of_a_distributed_product_and_device_is_refused_with_a_clear_error()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.BInfo.Id]));

        // At the receiver the product is read-only and takes no new devices; the device cannot be deleted there.
        Assert.Equal("iot.distribution.ReadOnlyProduct", (await fed.B.Fails("UpdateProduct", ("ProductKey", pk), ("ProductName", RegistryCalls.Unique("X")))).Code);
        Assert.Equal("iot.distribution.ReadOnlyProduct", (await fed.B.Fails("DeleteProduct", ("ProductKey", pk))).Code);
        Assert.Equal("iot.distribution.ReadOnlyProduct", (await fed.B.Fails("RegisterDevice", ("ProductKey", pk), ("DeviceName", "newone"))).Code);
        Assert.Equal("iot.distribution.ReadOnlyProduct", (await fed.B.Fails("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", ConnectivityCalls.SampleTsl))).Code);
        Assert.Equal("iot.distribution.DeviceDistributed", (await fed.B.Fails("DeleteDevice", ("ProductKey", pk), ("DeviceName", d.DeviceName))).Code);
        // At the source the name stays reserved and the device cannot be deleted until it comes back.
        Assert.Equal("iot.device.AlreadyExistedDeviceName", (await fed.A.Fails("RegisterDevice", ("ProductKey", pk), ("DeviceName", d.DeviceName))).Code);
        Assert.Equal("iot.distribution.DeviceDistributed", (await fed.A.Fails("DeleteDevice", ("ProductKey", pk), ("DeviceName", d.DeviceName))).Code);
        // A received product cannot be distributed onwards from the receiver.
        Assert.Equal("iot.distribution.ReadOnlyCopy", (await fed.B.Fails("CreateDeviceDistributeJob", ("ProductKey", pk), ("DeviceName.1", d.DeviceName),
            ("TargetInstanceConfig.1.TargetInstanceId", Federation.CInfo.Id))).Code);
        // A second job for a device that is already away fails that device, naming why.
        var again = await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.CInfo.Id]);
        await fed.A.FinishedAsync(again);
        Assert.Equal(409, (await fed.A.ResultsAsync(again))[d.DeviceName].Code);

        // Distributed back: the device connects at A again, the copy at B is gone, and now it can be deleted at A.
        await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.AInfo.Id]));
        Assert.Equal(fed.A.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.C, pk, d.DeviceName)));
        await using (var back = await fed.A.ConnectAsync(d))
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, back.ConnectResult!.ResultCode);
        Assert.Equal("iot.device.NotExistedDevice", (await fed.B.Fails("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", d.DeviceName))).Code);
        await fed.A.Call("DeleteDevice", ("ProductKey", pk), ("DeviceName", d.DeviceName));
    }

    [Fact]
    public async Task Job_requests_that_break_the_rules_are_refused()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        var tooMany = Enumerable.Range(0, 1001).Select(i => ("DeviceName." + (i + 1), "d" + i)).ToArray();
        Assert.Equal("iot.common.InvalidFormattedParameter", (await fed.A.Fails("CreateDeviceDistributeJob",
            [("ProductKey", pk), ("TargetInstanceConfig.1.TargetInstanceId", Federation.BInfo.Id), .. tooMany])).Code);
        Assert.Equal("iot.common.InvalidFormattedParameter", (await fed.A.Fails("CreateDeviceDistributeJob", ("ProductKey", pk), ("DeviceName.1", d.DeviceName),
            ("TargetInstanceConfig.1.TargetInstanceId", "iotx-nowhere"))).Code);
        Assert.Equal("iot.common.InvalidFormattedParameter", (await fed.A.Fails("CreateDeviceDistributeJob", ("ProductKey", pk), ("DeviceName.1", d.DeviceName),
            ("TargetInstanceConfig.1.TargetInstanceId", Federation.BInfo.Id), ("TargetInstanceConfig.2.TargetInstanceId", Federation.CInfo.Id))).Code);
        Assert.Equal("iot.common.InvalidFormattedParameter", (await fed.A.Fails("CreateProductDistributeJob", ("ProductKey", pk),
            ("TargetInstanceId", Federation.BInfo.Id), ("TargetUid", "2999999999999999"))).Code); // cross-account without a code
        Assert.Equal("iot.common.InvalidFormattedParameter", (await fed.A.Fails("CreateDeviceDistributeJob", ("ProductKey", pk), ("DeviceName.1", d.DeviceName),
            ("Strategy", "1"), ("TargetInstanceConfig.1.TargetInstanceId", Federation.BInfo.Id), ("TargetUid", "2999999999999999"))).Code); // nearest cross-account
        Assert.Equal("iot.prod.NotExistedProduct", (await fed.A.Fails("CreateDeviceDistributeJob", ("ProductKey", "a1unknownpk"), ("DeviceName.1", "x"),
            ("TargetInstanceConfig.1.TargetInstanceId", Federation.BInfo.Id))).Code);
        Assert.Equal("iot.distribution.NotExistedJob", (await fed.B.Fails("QueryDeviceDistributeJob", ("JobId", "dj_nosuchjob"))).Code);
    }

    [Fact]
    public async Task Nearest_access_sends_devices_with_different_addresses_to_different_instances()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        var job = await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 1, [Federation.BInfo.Id, Federation.CInfo.Id]));
        Assert.Equal(1, job.GetProperty("Strategy").GetInt32());

        Assert.Equal(fed.B.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.A, pk, d.DeviceName, "10.1.2.3")));
        Assert.Equal(fed.C.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.A, pk, d.DeviceName, "10.2.9.9")));
        Assert.Equal(fed.C.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.B, pk, d.DeviceName, "10.2.9.9")));
        // Both candidates hold the certificate, so the device connects wherever it is sent.
        await using var atC = await fed.C.ConnectAsync(d);
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, atC.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task The_source_can_be_a_nearest_access_candidate_and_keeps_the_devices_near_it()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        Assert.Equal("iot.common.InvalidFormattedParameter", (await fed.A.Fails("CreateDeviceDistributeJob", ("ProductKey", pk),
            ("DeviceName.1", d.DeviceName), ("Strategy", "1"), ("TargetInstanceConfig.1.TargetInstanceId", Federation.AInfo.Id))).Code); // only itself

        await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 1, [Federation.AInfo.Id, Federation.BInfo.Id]));

        // Near A (asked at A or at B): A's endpoint, and A still takes the device; near B: B's, and B takes it too.
        Assert.Equal(fed.A.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.A, pk, d.DeviceName, "10.3.0.7")));
        Assert.Equal(fed.A.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.B, pk, d.DeviceName, "10.3.0.7")));
        Assert.Equal(fed.B.MqttPort, BootstrapTests.Port(await BootstrapTests.BootstrapAsync(fed.A, pk, d.DeviceName, "10.1.2.3")));
        await using (var atA = await fed.A.ConnectAsync(d))
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, atA.ConnectResult!.ResultCode);
        await using (var atB = await fed.B.ConnectAsync(d))
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, atB.ConnectResult!.ResultCode);
        // C is not a candidate and never received it.
        await using var atC = await fed.C.ConnectAsync(d);
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.BadUserNameOrPassword, atC.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task Cross_account_distribution_needs_a_valid_unexpired_one_time_code_from_the_receiver()
    {
        var targetUid = "2" + Random.Shared.NextInt64(100000000000000, 999999999999999);
        using var admin = fed.B.Rest();
        var created = await (await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "receiver", uid = targetUid })).Content.ReadFromJsonAsync<JsonElement>();
        var receiverKey = (created.GetProperty("accessKeyId").GetString()!, created.GetProperty("accessKeySecret").GetString()!);

        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        Assert.Equal("iot.distribution.InvalidJob", (await fed.A.Fails("CreateDeviceDistributeJob", ("ProductKey", pk), ("DeviceName.1", d.DeviceName),
            ("TargetInstanceConfig.1.TargetInstanceId", Federation.BInfo.Id), ("TargetUid", targetUid), ("AuthCode", "12345678"))).Code);

        await fed.A.Call("RequestDistributeAuthCode", ("TargetInstanceId", Federation.BInfo.Id), ("TargetUid", targetUid));
        using var inbox = fed.B.Rest(receiverKey.Item1, receiverKey.Item2);
        var notes = await inbox.GetFromJsonAsync<JsonElement>("/api/v1/notifications");
        var code = Regex.Match(notes[0].GetProperty("message").GetString()!, @"code: (\d{8})").Groups[1].Value;
        Assert.NotEmpty(code);

        var jobId = await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.BInfo.Id], targetUid, code);
        Assert.Equal(2, (await fed.A.FinishedAsync(jobId)).GetProperty("Status").GetInt32());
        // The device now belongs to the receiving account at B, and the admin there does not see it as its own.
        var detail = await fed.B.Rpc(receiverKey.Item1, receiverKey.Item2).CallAsync("QueryDeviceDetail",
            [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("DeviceName", d.DeviceName)]);
        Assert.Equal("UNACTIVE", detail.Str("Data.Status"));
        Assert.Equal("iot.device.NotExistedDevice", (await fed.B.Fails("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", d.DeviceName))).Code);

        // The code was consumed: using it again is refused.
        var other = await fed.A.NewTestDeviceAsync(pk);
        Assert.Equal("iot.distribution.InvalidJob", (await fed.A.Fails("CreateDeviceDistributeJob", ("ProductKey", pk), ("DeviceName.1", other.DeviceName),
            ("TargetInstanceConfig.1.TargetInstanceId", Federation.BInfo.Id), ("TargetUid", targetUid), ("AuthCode", code))).Code);
    }
}
