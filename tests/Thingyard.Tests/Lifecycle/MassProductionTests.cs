// Mass production end to end on a real server: the operator (the admin key) allocates activation codes to a developer
// account, which runs production batches of a released product (by count and from an uploaded CSV), follows them,
// downloads the credentials through the signed link and connects a device, which the batch then counts as activated.
// And every refusal: unreleased products, over quota (nothing spent), oversized uploads, non-operators, other accounts.
using System.Net;
using System.Text;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Lifecycle;

public sealed class MassProductionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_developer_produces_a_released_product_with_codes_the_operator_allocated()
    {
        var b = await server.NewAccountAsync(Unique("factory"));
        var pk = await NewReleasedProductAsync(b);
        var allocated = await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "600"));
        Assert.Equal(600, allocated.At("Data.Remaining").GetInt64());

        var byCount = (await server.CallAs(b, "CreateProductionBatch", ("ProductKey", pk), ("Count", "500"))).At("Data");
        Assert.Equal("count", byCount.Str("Source"));
        Assert.Equal(500, byCount.At("Codes").GetInt32());

        // A header, then 20 names; the one on line 6 breaks the name rules.
        var names = Enumerable.Range(0, 20).Select(_ => Unique("dev")).ToList();
        names[4] = "x!";
        using var asB = server.Rest(b.AccessKeyId, b.AccessKeySecret);
        var uploaded = await JsonOf(await asB.PostAsync($"/api/v1/production/batches/csv?productKey={pk}",
            new StringContent("DeviceName\n" + string.Join("\n", names) + "\n", Encoding.UTF8, "text/csv")), HttpStatusCode.Created);
        Assert.Equal(20, uploaded.At("requested").GetInt32());
        Assert.Equal(19, uploaded.At("codes").GetInt32());
        var rejected = Assert.Single(uploaded.At("rejected").EnumerateArray());
        Assert.Equal(6, rejected.At("line").GetInt32());
        Assert.Equal("x!", rejected.Str("name"));
        Assert.Contains("invalid", rejected.Str("error"));

        var quota = (await server.CallAs(b, "GetActivationCodeQuota")).At("Data");
        Assert.Equal((600, 519, 81), (quota.At("Allocated").GetInt64(), quota.At("Used").GetInt64(), quota.At("Remaining").GetInt64()));
        // The operator sees the same account by its uid.
        Assert.Equal(519, (await server.Call("GetActivationCodeQuota", ("AccountUid", b.AccountUid))).At("Data.Used").GetInt64());

        var done = await WaitForBatchAsync(b, byCount.Str("BatchId"));
        Assert.Equal(500, done.At("Created").GetInt32());
        Assert.Equal(0, done.At("Activated").GetInt32());
        Assert.Equal(19, (await WaitForBatchAsync(b, uploaded.Str("batchId"))).At("Created").GetInt32());

        var list = (await server.CallAs(b, "QueryProductionBatchList", ("ProductKey", pk))).At("Data");
        Assert.Equal(2, list.At("Total").GetInt32());
        Assert.Equal([uploaded.Str("batchId"), byCount.Str("BatchId")], list.At("List.BatchInfo").Pluck("BatchId"));

        // The credentials through the signed link, fetched with no credentials at all.
        var link = (await server.CallAs(b, "GetProductionBatchCredentialsUrl", ("BatchId", byCount.Str("BatchId")))).Str("Data.Url");
        using var plain = server.Http();
        var csv = await plain.GetStringAsync(link);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ProductKey,DeviceName,DeviceSecret", lines[0]);
        Assert.Equal(500, lines.Length - 1);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(rows, r => Assert.Equal(pk, r[0]));
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{32}$", r[2]));
        Assert.Equal(500, rows.Select(r => r[1]).Distinct().Count());

        // A device from the file connects; the batch counts it as activated.
        await using (var device = await MqttDevice.ConnectAsync(server, pk, rows[0][1], rows[0][2]))
        {
            Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
            var activated = await Connectivity.ConnectivityCalls.EventuallyAsync(
                () => server.CallAs(b, "QueryProductionBatch", ("BatchId", byCount.Str("BatchId"))), r => r.At("Data.Activated").GetInt32() == 1);
            Assert.Equal(1, activated.At("Data.Activated").GetInt32());
        }

        // The same CSV over REST with Basic auth: the uploaded batch's 19 devices, by the names given.
        var restCsv = await asB.GetStringAsync($"/api/v1/production/batches/{uploaded.Str("batchId")}/credentials.csv");
        var restNames = restCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')[1]).ToList();
        Assert.Equal(names.Where(n => n != "x!"), restNames);

        // A tampered signature, or a signature moved to another batch, is refused without reading anything.
        var tampered = link[..^1] + (link[^1] == '0' ? '1' : '0');
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync(tampered)).StatusCode);
        var moved = link.Replace(byCount.Str("BatchId"), uploaded.Str("batchId"));
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync(moved)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync(link[..link.IndexOf('?')])).StatusCode);
    }

    [Fact]
    public async Task A_product_with_dynamic_registration_gets_its_product_secret_in_the_csv()
    {
        var b = await server.NewAccountAsync(Unique("dyn"));
        var pk = (await server.CallAs(b, "CreateProduct", ("ProductName", Unique("Dyn")), ("NodeType", "0"), ("DynamicRegistration", "true"))).Str("ProductKey");
        await server.ReleaseAsync(b, pk);
        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "5"));
        using var asB = server.Rest(b.AccessKeyId, b.AccessKeySecret);
        var batch = await JsonOf(await asB.PostAsync("/api/v1/production/batches",
            JsonContent(new { productKey = pk, deviceNames = new[] { Unique("d"), Unique("d") } })), HttpStatusCode.Created);
        await WaitForBatchAsync(b, batch.Str("batchId"));
        var productSecret = (await server.CallAs(b, "QueryProduct", ("ProductKey", pk))).Str("Data.ProductSecret");
        var lines = (await asB.GetStringAsync($"/api/v1/production/batches/{batch.Str("batchId")}/credentials.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("ProductKey,DeviceName,DeviceSecret,ProductSecret", lines[0]);
        Assert.Equal(2, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.EndsWith("," + productSecret, l));
    }

    [Fact]
    public async Task Duplicates_and_existing_names_are_rejected_per_line_and_cost_nothing()
    {
        var b = await server.NewAccountAsync(Unique("dup"));
        var pk = await NewReleasedProductAsync(b);
        var existing = Unique("old");
        await server.CallAs(b, "RegisterDevice", ("ProductKey", pk), ("DeviceName", existing));
        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "10"));
        var fresh = Unique("new");
        var batch = (await server.CallAs(b, "CreateProductionBatch",
            List("DeviceName", fresh, existing, fresh, "no").With(("ProductKey", pk)))).At("Data");
        Assert.Equal(4, batch.At("Requested").GetInt32());
        Assert.Equal(1, batch.At("Codes").GetInt32());
        var rejected = batch.At("Rejected").EnumerateArray().Select(r => (r.At("Line").GetInt32(), r.Str("Name"), r.Str("Error"))).ToList();
        Assert.Equal(2, rejected[0].Item1);
        Assert.Equal(existing, rejected[0].Item2);
        Assert.Contains("already exists", rejected[0].Item3);
        Assert.Equal((3, fresh, "duplicate of line 1"), rejected[1]);
        Assert.Equal(4, rejected[2].Item1);
        Assert.Equal(1, (await server.CallAs(b, "GetActivationCodeQuota")).At("Data.Used").GetInt64());

        // Nothing valid at all: refused, nothing spent, no batch.
        var none = await server.FailsAs(b, "CreateProductionBatch", List("DeviceName", existing, "x").With(("ProductKey", pk)));
        Assert.Equal("iot.production.NoValidDeviceName", none.Code);
        Assert.Contains("line 1", none.Message);
        Assert.Equal(1, (await server.CallAs(b, "GetActivationCodeQuota")).At("Data.Used").GetInt64());
        Assert.Equal(1, (await server.CallAs(b, "QueryProductionBatchList")).At("Data.Total").GetInt32());
    }

    [Fact]
    public async Task A_product_that_is_not_released_is_refused()
    {
        var b = await server.NewAccountAsync(Unique("dev"));
        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "10"));
        var pk = (await server.CallAs(b, "CreateProduct", ("ProductName", Unique("Draft")), ("NodeType", "0"))).Str("ProductKey");
        async Task RefusedAsync(string state)
        {
            Assert.Equal(state, (await server.CallAs(b, "QueryProduct", ("ProductKey", pk))).Str("Data.ReleaseState"));
            var refused = await server.FailsAs(b, "CreateProductionBatch", ("ProductKey", pk), ("Count", "1"));
            Assert.Equal("iot.production.ProductNotReleased", refused.Code);
        }

        // In development, waiting for review, rejected, and released but then cancelled: each refused.
        await RefusedAsync("development");
        await server.SubmitForReleaseAsync(b, pk);
        await RefusedAsync("pending");
        await server.Call("RejectProductRelease", ("ProductKey", pk), ("Reason", "not yet"));
        await RefusedAsync("rejected");
        await server.CallAs(b, "ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "prototype devices at the factory"));
        await server.Call("ApproveProductRelease", ("ProductKey", pk));
        await server.CallAs(b, "CancelReleaseProduct", ("ProductKey", pk));
        await RefusedAsync("development");
        Assert.Equal(0, (await server.CallAs(b, "GetActivationCodeQuota")).At("Data.Used").GetInt64());
    }

    [Fact]
    public async Task A_batch_beyond_the_remaining_codes_is_refused_and_spends_nothing()
    {
        var b = await server.NewAccountAsync(Unique("short"));
        var pk = await NewReleasedProductAsync(b);
        var none = await server.FailsAs(b, "CreateProductionBatch", ("ProductKey", pk), ("Count", "1"));
        Assert.Equal("iot.production.QuotaExceeded", none.Code);

        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "10"));
        var over = await server.FailsAs(b, "CreateProductionBatch", ("ProductKey", pk), ("Count", "11"));
        Assert.Equal("iot.production.QuotaExceeded", over.Code);
        Assert.Contains("10 remain", over.Message);
        Assert.Equal(0, (await server.CallAs(b, "GetActivationCodeQuota")).At("Data.Used").GetInt64());
        Assert.Equal(0, (await server.CallAs(b, "QueryProductionBatchList")).At("Data.Total").GetInt32());
        Assert.Equal(0, (await server.CallAs(b, "QueryDevice", ("ProductKey", pk))).At("Data.DeviceInfo").GetArrayLength());
    }

    [Fact]
    public async Task Concurrent_batches_never_spend_more_than_was_allocated()
    {
        var b = await server.NewAccountAsync(Unique("race"));
        var pk = await NewReleasedProductAsync(b);
        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "10"));
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try { await server.CallAs(b, "CreateProductionBatch", ("ProductKey", pk), ("Count", "3")); return "ok"; }
            catch (Thingyard.Protocol.OpenApi.RpcCallException e) { return e.Code; }
        }));
        Assert.Equal(3, attempts.Count(a => a == "ok"));
        Assert.All(attempts.Where(a => a != "ok"), a => Assert.Equal("iot.production.QuotaExceeded", a));
        Assert.Equal(9, (await server.CallAs(b, "GetActivationCodeQuota")).At("Data.Used").GetInt64());
    }

    [Fact]
    public async Task Uploads_over_the_limits_are_refused()
    {
        var b = await server.NewAccountAsync(Unique("big"));
        var pk = await NewReleasedProductAsync(b);
        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "20000"));
        var csv = "DeviceName\n" + string.Join("\n", Enumerable.Range(0, 10_001).Select(i => $"dev_{i:D6}"));
        var many = await server.FailsAs(b, "CreateProductionBatch", ("ProductKey", pk), ("DeviceNamesCsv", csv));
        Assert.Equal("iot.production.TooManyNames", many.Code);
        var count = await server.FailsAs(b, "CreateProductionBatch", ("ProductKey", pk), ("Count", "10001"));
        Assert.Equal("iot.common.InvalidFormattedParameter", count.Code);

        using var asB = server.Rest(b.AccessKeyId, b.AccessKeySecret);
        var huge = new StringContent("DeviceName\n" + new string('a', 1024 * 1024), Encoding.UTF8, "text/csv");
        var response = await asB.PostAsync($"/api/v1/production/batches/csv?productKey={pk}", huge);
        var problem = await JsonOf(response, HttpStatusCode.BadRequest);
        Assert.Equal("iot.production.UploadTooLarge", problem.Str("title"));
        Assert.Equal(0, (await server.CallAs(b, "GetActivationCodeQuota")).At("Data.Used").GetInt64());
    }

    [Fact]
    public async Task Only_the_operator_allocates_and_reads_other_accounts_quotas()
    {
        var b = await server.NewAccountAsync(Unique("plain"));
        var c = await server.NewAccountAsync(Unique("other"));
        var refused = await server.FailsAs(b, "AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "5"));
        Assert.Equal("iot.common.RamActionPermissionDeny", refused.Code);
        using var asB = server.Rest(b.AccessKeyId, b.AccessKeySecret);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await asB.PostAsync("/api/v1/production/quota", JsonContent(new { accountUid = b.AccountUid, count = 5 }))).StatusCode);
        Assert.Equal(0, (await server.CallAs(b, "GetActivationCodeQuota", ("AccountUid", b.AccountUid))).At("Data.Allocated").GetInt64());
        // Another account's quota does not exist for a developer.
        Assert.Equal("iot.account.NotExistedAccount", (await server.FailsAs(b, "GetActivationCodeQuota", ("AccountUid", c.AccountUid))).Code);
        Assert.Equal("iot.account.NotExistedAccount", (await server.Fails("AllocateActivationCodes", ("AccountUid", "1999"), ("Count", "5"))).Code);
        Assert.Equal("iot.common.InvalidFormattedParameter",
            (await server.Fails("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "1000001"))).Code);

        // Allocations add up, over REST too.
        using var admin = server.Rest();
        await JsonOf(await admin.PostAsync("/api/v1/production/quota", JsonContent(new { accountUid = b.AccountUid, count = 7 })), HttpStatusCode.OK);
        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "3"));
        Assert.Equal(10, (await JsonOf(await asB.GetAsync("/api/v1/production/quota"), HttpStatusCode.OK)).At("remaining").GetInt64());
    }

    [Fact]
    public async Task Another_accounts_batch_does_not_exist()
    {
        var b = await server.NewAccountAsync(Unique("owner"));
        var c = await server.NewAccountAsync(Unique("nosy"));
        var pk = await NewReleasedProductAsync(b);
        await server.Call("AllocateActivationCodes", ("AccountUid", b.AccountUid), ("Count", "1"));
        var batchId = (await server.CallAs(b, "CreateProductionBatch", ("ProductKey", pk), ("Count", "1"))).Str("Data.BatchId");
        foreach (var action in new[] { "QueryProductionBatch", "GetProductionBatchCredentialsUrl" })
        {
            Assert.Equal("iot.production.NotExistedBatch", (await server.FailsAs(c, action, ("BatchId", batchId))).Code);
            Assert.Equal("iot.production.NotExistedBatch", (await server.Fails(action, ("BatchId", batchId))).Code); // the operator too
        }
        Assert.Equal(0, (await server.CallAs(c, "QueryProductionBatchList")).At("Data.Total").GetInt32());
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(c, "CreateProductionBatch", ("ProductKey", pk), ("Count", "1"))).Code);
        using var asC = server.Rest(c.AccessKeyId, c.AccessKeySecret);
        Assert.Equal(HttpStatusCode.NotFound, (await asC.GetAsync($"/api/v1/production/batches/{batchId}/credentials.csv")).StatusCode);
    }

    [Fact]
    public async Task The_open_api_document_lists_the_production_routes_but_not_the_signed_link()
    {
        using var http = server.Http();
        var paths = (await JsonOf(await http.GetAsync("/openapi/v1.json"), HttpStatusCode.OK)).At("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/production/batches/csv", paths);
        Assert.Contains("/api/v1/production/batches/{batchId}/credentials.csv", paths);
        Assert.DoesNotContain("/production/batches/{batchId}/credentials.csv", paths);
    }

    // ---- helpers

    static HttpContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);

    async Task<string> NewReleasedProductAsync(TestAccount account)
    {
        var pk = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Mass")), ("NodeType", "0"))).Str("ProductKey");
        await server.ReleaseAsync(account, pk);
        return pk;
    }

    /// <summary>Polls QueryProductionBatch (at most 300 x 100 ms) until its registration leaves CREATE; returns its Data.</summary>
    async Task<JsonElement> WaitForBatchAsync(TestAccount account, string batchId)
    {
        JsonElement data = default;
        for (var i = 0; i < 300; i++)
        {
            data = (await server.CallAs(account, "QueryProductionBatch", ("BatchId", batchId))).At("Data");
            if (data.Str("Status") != "CREATE") return data;
            await Task.Delay(100);
        }
        Assert.Fail($"Production batch {batchId} still in CREATE after 30 s: {data}");
        return data;
    }
}
