// kill -9 with a full backlog: 5,000 property posts acknowledged to the device (QoS 1) while no client of the group is
// connected, the server process killed with SIGKILL and started again on the same data; a client then receives every
// one of them, each once.
using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Thingyard.Protocol.OpenApi;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Subscriptions;

public sealed class BacklogDurabilityTests
{
    const int Messages = 5_000;

    [Fact]
    public async Task Every_message_in_a_groups_backlog_is_delivered_after_kill_9()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", "kill9-amqp-" + Guid.NewGuid().ToString("N"));
        var amqpPort = ThingyardServer.FreePort();
        var settings = new Dictionary<string, string>(await TestDatabase.NewAsync())
        {
            ["Thingyard:Mqtt:MessagesPerSecondPerDevice"] = "1000000",
            ["Thingyard:Amqp:Port"] = amqpPort.ToString(),
        };
        var acked = new ConcurrentBag<int>();
        try
        {
            await using (var first = await ServerProcess.StartAsync(dataDir, settings))
            {
                var rpc = first.Rpc();
                var pk = (await rpc.CallAsync("CreateProduct", [KeyValuePair.Create("ProductName", RegistryCalls.Unique("Backlog")), KeyValuePair.Create("NodeType", "0")])).Str("ProductKey");
                await rpc.CallAsync("ImportThingModelTsl", [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("TslStr", ConnectivityCalls.SampleTsl)]);
                await rpc.CallAsync("PublishThingModel", [KeyValuePair.Create("ProductKey", pk)]);
                await rpc.CallAsync("CreateSubscribeRelation", [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("Type", "AMQP"),
                    KeyValuePair.Create("DeviceDataFlag", "true"), KeyValuePair.Create("ConsumerGroupIds.1", "DEFAULT_GROUP")]);
                var created = (await rpc.CallAsync("RegisterDevice", [KeyValuePair.Create("ProductKey", pk)])).At("Data");
                var d = new TestDevice(pk, created.Str("DeviceName"), created.Str("DeviceSecret"), created.Str("IotId"));

                await using var device = await MqttDevice.ConnectAsync(DeviceKit.Options(first.MqttPort, d), d.ProductKey, d.DeviceName);
                var topic = device.Sys("thing/event/property/post");
                // 20 at a time; each PUBACK means the telemetry and its backlog row are committed.
                await Parallel.ForEachAsync(Enumerable.Range(0, Messages), new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (i, _) =>
                {
                    var post = $$"""{"id":"{{i}}","version":"1.0","params":{"serial":"n{{i}}"},"method":"thing.event.property.post"}""";
                    var result = await device.PublishAsync(topic, post, qos: 1);
                    if (result.IsSuccess) acked.Add(i);
                });
                Assert.Equal(Messages, acked.Count);
                await first.KillAsync();
            }

            await using (var second = await ServerProcess.StartAsync(dataDir, settings))
            {
                await using var app = AmqpConsumers.Start(amqpPort, tls: false, "DEFAULT_GROUP", count: Messages, timeoutMs: 120_000);
                var values = new HashSet<int>();
                var ids = new HashSet<string>();
                for (var i = 0; i < Messages; i++)
                {
                    JsonElement m;
                    try { m = await app.NextAsync("message", 60_000); }
                    catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                    {
                        // Say what state the group was in (an empty backlog here means the client lost what it got).
                        // The server logs a group that has sent nothing for 30 s with its clients' credit (GroupQueue.Tick).
                        var status = await second.Rpc().CallAsync("QueryConsumerGroupStatus", [KeyValuePair.Create("GroupId", "DEFAULT_GROUP")]);
                        throw new Xunit.Sdk.XunitException($"message {i + 1} of {Messages} did not come ({e.Message}); status: {status}\nserver output:\n{second.Output}");
                    }
                    ids.Add(m.GetProperty("messageId").GetString()!);
                    var body = JsonDocument.Parse(m.GetProperty("body").GetString()!).RootElement;
                    values.Add(int.Parse(body.GetProperty("items").GetProperty("serial").GetProperty("value").GetString()![1..]));
                }
                Assert.Equal(Messages, ids.Count);
                Assert.Equal(Enumerable.Range(0, Messages).ToHashSet(), values);
                await app.NextAsync("done");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
