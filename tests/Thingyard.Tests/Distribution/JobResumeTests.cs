// A distribution job whose source process is killed (SIGKILL) while it runs resumes when the source starts again, and
// retrying it changes nothing: the target ends with exactly the job's devices, once each.
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Distribution;

public sealed class JobResumeTests
{
    const int Devices = 1000;

    [Fact]
    public async Task A_job_killed_mid_way_resumes_after_restart_without_duplicates()
    {
        var (sourceHttp, sourceMqtt) = (ThingyardServer.FreePort(), ThingyardServer.FreePort());
        await using var target = new ThingyardServer { HttpPort = ThingyardServer.FreePort() };
        var targetMqtt = ThingyardServer.FreePort();
        foreach (var (k, v) in new Dictionary<string, string>
        {
            ["Thingyard:InstanceId"] = "iotx-t", ["Thingyard:Admin:AccountUid"] = Federation.AdminUid, ["Thingyard:Mqtt:Port"] = targetMqtt.ToString(),
            ["Thingyard:Federation:SharedSecret"] = Federation.Secret,
            ["Thingyard:Federation:Peers:0:InstanceId"] = "iotx-k", ["Thingyard:Federation:Peers:0:HttpUrl"] = $"http://127.0.0.1:{sourceHttp}",
            ["Thingyard:Federation:Peers:0:MqttHost"] = "127.0.0.1", ["Thingyard:Federation:Peers:0:MqttPort"] = sourceMqtt.ToString(),
        }) target.Settings[k] = v;
        await target.InitializeAsync();

        var dataDir = Path.Combine(Path.GetTempPath(), "thingyard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var settings = new Dictionary<string, string>
        {
            ["Thingyard:InstanceId"] = "iotx-k", ["Thingyard:Admin:AccountUid"] = Federation.AdminUid,
            ["Thingyard:Federation:SharedSecret"] = Federation.Secret,
            ["Thingyard:Federation:Peers:0:InstanceId"] = "iotx-t", ["Thingyard:Federation:Peers:0:HttpUrl"] = $"http://127.0.0.1:{target.HttpPort}",
            ["Thingyard:Federation:Peers:0:MqttHost"] = "127.0.0.1", ["Thingyard:Federation:Peers:0:MqttPort"] = targetMqtt.ToString(),
        };
        foreach (var (k, v) in await TestDatabase.NewAsync()) settings[k] = v;
        try
        {
            string pk, jobId;
            var names = Enumerable.Range(1, Devices).Select(i => $"resume_{i:D4}").ToArray();
            await using (var source = await ServerProcess.StartAsync(dataDir, settings, sourceHttp, sourceMqtt))
            {
                var rpc = source.Rpc();
                pk = (await rpc.CallAsync("CreateProduct", [KeyValuePair.Create("ProductName", RegistryCalls.Unique("Resume")), KeyValuePair.Create("NodeType", "0")])).Str("ProductKey");
                var check = await rpc.CallAsync("BatchCheckDeviceNames",
                    [KeyValuePair.Create("ProductKey", pk), .. names.Select((n, i) => KeyValuePair.Create($"DeviceName.{i + 1}", n))]);
                var applyId = check.Str("Data.ApplyId");
                await rpc.CallAsync("BatchRegisterDeviceWithApplyId", [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("ApplyId", applyId)]);
                await ConnectivityCalls.EventuallyAsync(async () => (await rpc.CallAsync("QueryBatchRegisterDeviceStatus",
                    [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("ApplyId", applyId)])).Str("Data.Status"), s => s == "CREATE_SUCCESS");

                jobId = (await rpc.CallAsync("CreateDeviceDistributeJob",
                    [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("TargetInstanceConfig.1.TargetInstanceId", "iotx-t"),
                     .. names.Select((n, i) => KeyValuePair.Create($"DeviceName.{i + 1}", n))])).Str("JobId");
                await source.KillAsync(); // at once: the worker has just picked the job up
            }

            await using (var again = await ServerProcess.StartAsync(dataDir, settings, sourceHttp, sourceMqtt))
            {
                var rpc = again.Rpc();
                var job = await ConnectivityCalls.EventuallyAsync(async () => (await rpc.CallAsync("QueryDeviceDistributeJob", [KeyValuePair.Create("JobId", jobId)])).At("Data"),
                    d => d.GetProperty("Status").GetInt32() >= 2);
                Assert.Equal(2, job.GetProperty("Status").GetInt32());

                await rpc.CallAsync("RetryDeviceDistributeJob", [KeyValuePair.Create("JobId", jobId)]);
                job = await ConnectivityCalls.EventuallyAsync(async () => (await rpc.CallAsync("QueryDeviceDistributeJob", [KeyValuePair.Create("JobId", jobId)])).At("Data"),
                    d => d.GetProperty("Status").GetInt32() >= 2);
                Assert.Equal(2, job.GetProperty("Status").GetInt32());
                var listed = await rpc.CallAsync("ListDistributedDevice", [KeyValuePair.Create("ProductKey", pk), KeyValuePair.Create("PageSize", "50")]);
                Assert.Equal(Devices, listed.At("Data").GetProperty("Total").GetInt32());
            }

            await using var db = await target.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
            var atTarget = await db.Devices.Where(d => d.ProductKey == pk).Select(d => d.DeviceName).ToListAsync();
            Assert.Equal(Devices, atTarget.Count);
            Assert.Equal(names.Order(), atTarget.Order());
            Assert.Equal(1, await db.Products.CountAsync(p => p.ProductKey == pk));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }
    }
}
