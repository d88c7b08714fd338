// The ID² REST routes with an AccessKey (HTTP Basic), as a production line's script uses them: a batch generated, its
// provisioning file downloaded as csv and as the SDK emulator's zip, the identities and the log listed; another
// account finds none of it.
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Thingyard.Protocol.Id2;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Id2;

public sealed class Id2RestTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_production_line_script_generates_and_downloads_identities()
    {
        var maker = await server.NewAccountAsync(Unique("line"));
        var pk = (await server.CallAs(maker, "CreateId2Product", ("Name", Unique("tag")), ("Pattern", "own"), ("KeyType", "sm4"))).Str("Data.ProductKey");
        using var rest = server.Rest(maker.AccessKeyId, maker.AccessKeySecret);

        var batch = await JsonOf(await rest.PostAsJsonAsync($"/api/v1/id2/products/{pk}/batches", new { count = 3 }), HttpStatusCode.Created);
        Assert.Equal(("sm4", 3), (batch.Str("keyType"), batch.At("count").GetInt32()));
        var batchId = batch.Str("batchId");

        var csv = await rest.GetAsync($"/api/v1/id2/batches/{batchId}/export");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        var first = lines[1].Split(',');
        Assert.Equal("sm4", first[1]);

        var zip = await rest.GetAsync($"/api/v1/id2/batches/{batchId}/export?format=km-demo");
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        using (var archive = new ZipArchive(await zip.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(3, archive.Entries.Count);
            using var entry = archive.GetEntry($"{first[0]}/.dev_key")!.Open();
            using var bytes = new MemoryStream();
            await entry.CopyToAsync(bytes);
            Assert.Equal(first[2], Convert.ToHexString(Id2DevKeyFile.Read(bytes.ToArray()).Key));
        }

        var identities = await JsonOf(await rest.GetAsync($"/api/v1/id2/products/{pk}/identities"), HttpStatusCode.OK);
        Assert.Equal(3, identities.At("total").GetInt32());
        Assert.DoesNotContain(first[2], identities.ToString());
        var product = await JsonOf(await rest.GetAsync($"/api/v1/id2/products/{pk}"), HttpStatusCode.OK);
        Assert.Equal(("own", 0), (product.Str("pattern"), product.At("quotaAllocated").GetInt32()));
        var batches = await JsonOf(await rest.GetAsync($"/api/v1/id2/products/{pk}/batches"), HttpStatusCode.OK);
        Assert.Equal(2, batches.At("items")[0].At("exportCount").GetInt32());

        // Unknown batch, bad format, another account.
        Assert.Equal(HttpStatusCode.NotFound, (await rest.GetAsync("/api/v1/id2/batches/id2b_nope/export")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await rest.GetAsync($"/api/v1/id2/batches/{batchId}/export?format=pem")).StatusCode);
        var other = await server.NewAccountAsync(Unique("rival"));
        using var rival = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync($"/api/v1/id2/batches/{batchId}/export")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rival.GetAsync($"/api/v1/id2/products/{pk}/identities")).StatusCode);
    }
}
