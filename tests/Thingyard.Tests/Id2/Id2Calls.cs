// Shared steps of the ID² tests: a maker's ID² product with quota and a batch of identities, the identities' keys from
// the exported provisioning file, and the device side (Thingyard.Protocol's software KM) connecting over real MQTT.
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using Thingyard.Protocol.Id2;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Id2;

public static class Id2Calls
{
    /// <summary>An IoT product with AuthType id2 in <paramref name="maker"/>'s account, with <paramref name="quota"/>
    /// activations from the operator and a batch of <paramref name="count"/> identities; returns the product key and the
    /// identities as the csv export gives them.</summary>
    public static async Task<(string ProductKey, List<(string Id2, Id2Key Key)> Identities, string BatchId)> IotProductWithIdentitiesAsync(
        this ThingyardServer server, TestAccount maker, int quota, int count, string keyType = "aes")
    {
        var pk = (await server.CallAs(maker, "CreateProduct", ("ProductName", Unique("id2lamp")), ("NodeType", "0"), ("AuthType", "id2"))).Str("ProductKey");
        await server.CallAs(maker, "UpdateId2ProductPlan", ("ProductKey", pk), ("Carrier", "km"), ("KeyType", keyType));
        if (quota > 0) await server.Call("AllocateId2Quota", ("ProductKey", pk), ("Count", quota.ToString()));
        var batch = (await server.CallAs(maker, "CreateId2Batch", ("ProductKey", pk), ("Count", count.ToString()))).Str("Data.BatchId");
        return (pk, await server.ExportAsync(maker, batch), batch);
    }

    /// <summary>The batch's identities from its csv export (<paramref name="maker"/> null: the admin account's).</summary>
    public static async Task<List<(string Id2, Id2Key Key)>> ExportAsync(this ThingyardServer server, TestAccount? maker, string batchId)
    {
        var export = (maker is null ? await server.Call("ExportId2Batch", ("BatchId", batchId), ("Format", "csv"))
            : await server.CallAs(maker, "ExportId2Batch", ("BatchId", batchId), ("Format", "csv"))).At("Data");
        var csv = Encoding.UTF8.GetString(Convert.FromBase64String(export.Str("Content")));
        return csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(line => line.Split(','))
            .Select(c => (c[0], Id2Key.Parse(Id2KeyTypes.TryParse(c[1], out var t) ? t : throw new FormatException(c[1]), c[2]))).ToList();
    }

    /// <summary>A CONNECT with the ID² credentials of Thingyard.Protocol (Id2Credentials).</summary>
    public static MqttClientOptions Options(ThingyardServer server, string pk, string dn, Id2Client client, long? timestampMs = null)
    {
        var c = Id2Credentials.Create(pk, dn, client, timestampMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return Options(server, c.ClientId, c.UserName, c.Password);
    }

    public static MqttClientOptions Options(ThingyardServer server, string clientId, string username, string password) =>
        new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", server.MqttPort).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(clientId).WithCredentials(username, password).WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithCleanSession(true).WithTimeout(TimeSpan.FromSeconds(10)).Build();

    public static Id2Client Device((string Id2, Id2Key Key) identity) => new(new SoftwareKm(identity.Id2, identity.Key));
}
