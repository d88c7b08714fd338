// The ID² server API as a maker's own server calls it with its AccessKey (step 3): challenge and timestamp modes, with
// and without extra; every refusal with its own code (replayed, tampered, expired, relabelled, foreign, suspended,
// revoked, not activated, malformed); mutual authentication round-tripped through the device side; data encrypted
// for the device and decrypted from it; identities imported for chips provisioned elsewhere (RSA public keys, SM2).
using System.Text;
using Thingyard.Protocol.Id2;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Id2.Id2Calls;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Id2;

public sealed class Id2ServerApiTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>An ID²-area product (own platform), its quota and a batch; the maker and the identities.</summary>
    async Task<(TestAccount Maker, string ProductKey, List<(string Id2, Id2Key Key)> Ids)> OwnPlatformAsync(int count = 3, string keyType = "aes")
    {
        var maker = await server.NewAccountAsync(Unique("sp"));
        var product = (await server.CallAs(maker, "CreateId2Product", ("Name", Unique("meter")), ("Pattern", "own"), ("Carrier", "se"), ("KeyType", keyType))).At("Data");
        var pk = product.Str("ProductKey");
        Assert.Equal(("own", "se"), (product.Str("Pattern"), product.Str("Carrier")));
        await server.Call("AllocateId2Quota", ("ProductKey", pk), ("Count", "10"));
        var batch = (await server.CallAs(maker, "CreateId2Batch", ("ProductKey", pk), ("Count", count.ToString()))).Str("Data.BatchId");
        return (maker, pk, await server.ExportAsync(maker, batch));
    }

    static (string, string)[] Code(string pk, string id2, string authCode, string? extra = null) =>
        extra is null ? [("ProductKey", pk), ("Id2", id2), ("AuthCode", authCode)] : [("ProductKey", pk), ("Id2", id2), ("AuthCode", authCode), ("Extra", extra)];

    [Fact]
    public async Task Challenge_and_timestamp_codes_verify_with_and_without_extra_and_each_is_used_once()
    {
        var (sp, pk, ids) = await OwnPlatformAsync();
        var device = Device(ids[0]);

        var challenge = (await server.CallAs(sp, "GetServerRandom", ("Id2", ids[0].Id2))).At("Data").GetString()!;
        Assert.Matches("^[0-9A-F]{32}$", challenge);
        var verified = await server.CallAs(sp, "Verify", Code(pk, ids[0].Id2, device.ChallengeAuthCode(challenge)));
        Assert.Equal((200, true), (verified.At("Code").GetInt32(), verified.At("Data").GetBoolean()));
        var withExtra = device.ChallengeAuthCode((await server.CallAs(sp, "GetServerRandom", ("Id2", ids[0].Id2))).At("Data").GetString()!, Encoding.UTF8.GetBytes("order-42"));
        Assert.True((await server.CallAs(sp, "Verify", Code(pk, ids[0].Id2, withExtra, "order-42"))).At("Data").GetBoolean());
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True((await server.CallAs(sp, "Verify", Code(pk, ids[0].Id2, device.TimestampAuthCode(now)))).At("Data").GetBoolean());
        var stamped = device.TimestampAuthCode(now, Encoding.UTF8.GetBytes("digest1234"));
        Assert.True((await server.CallAs(sp, "Verify", Code(pk, ids[0].Id2, stamped, "digest1234"))).At("Data").GetBoolean());

        // Used once: the answered challenge and the verified timestamp code are refused the second time.
        Assert.Equal("34", (await server.FailsAs(sp, "Verify", Code(pk, ids[0].Id2, withExtra, "order-42"))).Code);
        Assert.Equal("34", (await server.FailsAs(sp, "Verify", Code(pk, ids[0].Id2, stamped, "digest1234"))).Code);
        // The first use activated the identity and spent one unit.
        Assert.Equal(1, (await server.CallAs(sp, "GetId2Quota", ("ProductKey", pk))).At("Data.Used").GetInt32());
    }

    [Fact]
    public async Task Every_bad_code_is_refused_with_its_own_code()
    {
        var (sp, pk, ids) = await OwnPlatformAsync();
        var device = Device(ids[0]);
        async Task<string> Challenge() => (await server.CallAs(sp, "GetServerRandom", ("Id2", ids[0].Id2))).At("Data").GetString()!;
        async Task<string> Refused(params (string, string)[] p) => (await server.FailsAs(sp, "Verify", p)).Code;

        // Tampered: one character of the signature, or the device random, changed.
        var code = device.ChallengeAuthCode(await Challenge());
        var parts = code.Split('~');
        var sig = parts[4].ToCharArray();
        sig[3] = sig[3] == 'A' ? 'B' : 'A';
        Assert.Equal("21", await Refused(Code(pk, ids[0].Id2, string.Join('~', parts[0], parts[1], parts[2], parts[3], new string(sig)))));
        Assert.Equal("21", await Refused(Code(pk, ids[0].Id2, string.Join('~', parts[0], parts[1], "0000000000000000", parts[3], parts[4]))));
        // Wrong key: a code from another key for the same ID².
        var forged = new Id2Client(new SoftwareKm(ids[0].Id2, Id2Key.Generate(Id2KeyType.Aes)));
        Assert.Equal("21", await Refused(Code(pk, ids[0].Id2, forged.ChallengeAuthCode(await Challenge()))));
        // A challenge never issued, and the relabelling the format allows: a code for "ABCD…" sent as challenge "AB…"
        // with extra "CD…" signs the same bytes, but names a challenge this server never issued.
        Assert.Equal("35", await Refused(Code(pk, ids[0].Id2, device.ChallengeAuthCode("00112233445566778899AABBCCDDEEFF"))));
        var issued = await Challenge();
        var honest = device.ChallengeAuthCode(issued).Split('~');
        var relabelled = string.Join('~', "2", honest[1], honest[2], issued[..16], honest[4]);
        Assert.Equal("35", await Refused(Code(pk, ids[0].Id2, relabelled, issued[16..])));
        // The honest code still verifies afterwards: the refusals spent nothing.
        Assert.Equal(200, (await server.CallAs(sp, "Verify", Code(pk, ids[0].Id2, string.Join('~', honest)))).At("Code").GetInt32());
        // Another ID²'s challenge.
        var othersChallenge = (await server.CallAs(sp, "GetServerRandom", ("Id2", ids[1].Id2))).At("Data").GetString()!;
        Assert.Equal("35", await Refused(Code(pk, ids[0].Id2, device.ChallengeAuthCode(othersChallenge))));
        // Extra: a code that signs none sent with some, a code that signs some sent without, the wrong extra.
        Assert.Equal("39", await Refused(Code(pk, ids[0].Id2, device.ChallengeAuthCode(await Challenge()), "x")));
        Assert.Equal("39", await Refused(Code(pk, ids[0].Id2, device.ChallengeAuthCode(await Challenge(), Encoding.UTF8.GetBytes("x")))));
        Assert.Equal("21", await Refused(Code(pk, ids[0].Id2, device.ChallengeAuthCode(await Challenge(), Encoding.UTF8.GetBytes("x")), "y")));
        // Timestamps outside the window, either way.
        Assert.Equal("33", await Refused(Code(pk, ids[0].Id2, device.TimestampAuthCode(DateTimeOffset.UtcNow.AddMinutes(-11).ToUnixTimeMilliseconds()))));
        Assert.Equal("33", await Refused(Code(pk, ids[0].Id2, device.TimestampAuthCode(DateTimeOffset.UtcNow.AddMinutes(11).ToUnixTimeMilliseconds()))));
        // Malformed codes and unknown IDs.
        Assert.Equal("21", await Refused(Code(pk, ids[0].Id2, "not an auth code")));
        Assert.Equal("21", await Refused(Code(pk, ids[0].Id2, "7~2~ABCD~1700000000000~AAAA")));
        Assert.Equal("21", await Refused(Code(pk, ids[0].Id2, "1~2~ABCD~17000x0000000~AAAA")));
        Assert.Equal("18", await Refused(Code(pk, "00FFFFFFFFFFFFFFFFFFFFFF", device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))));
        Assert.Equal("18", await Refused(Code(pk, "not-an-id2", "x")));
        Assert.Equal("51", await Refused(Code("a1NoSuchProd", ids[0].Id2, "x")));
        Assert.Equal("18", (await server.FailsAs(sp, "GetServerRandom", ("Id2", "00FFFFFFFFFFFFFFFFFFFFFF"))).Code);

        // Suspended, then revoked for good.
        await server.CallAs(sp, "SetId2Status", ("Id2", ids[2].Id2), ("Status", "suspended"));
        var third = Device(ids[2]);
        Assert.Equal("45", await Refused(Code(pk, ids[2].Id2, third.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))));
        await server.CallAs(sp, "SetId2Status", ("Id2", ids[2].Id2), ("Status", "active"));
        Assert.Equal(200, (await server.CallAs(sp, "Verify", Code(pk, ids[2].Id2, third.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())))).At("Code").GetInt32());
        await server.CallAs(sp, "SetId2Status", ("Id2", ids[2].Id2), ("Status", "revoked"));
        Assert.Equal("46", await Refused(Code(pk, ids[2].Id2, third.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()))));
        Assert.Contains("revoked for good", (await server.FailsAs(sp, "SetId2Status", ("Id2", ids[2].Id2), ("Status", "active"))).Message);

        // Foreign: another account can neither verify, challenge, list nor export these identities.
        var other = await server.NewAccountAsync(Unique("rival"));
        Assert.Equal("51", (await server.FailsAs(other, "Verify", Code(pk, ids[0].Id2, device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())))).Code);
        Assert.Equal("18", (await server.FailsAs(other, "GetServerRandom", ("Id2", ids[0].Id2))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "QueryId2IdentityList", ("ProductKey", pk))).Code);
        Assert.Equal(0, (await server.CallAs(other, "QueryId2ProductList")).At("Data.Total").GetInt32());

        // Every refusal is in the verification log with its code.
        var codes = (await server.CallAs(sp, "QueryId2VerificationLog", ("ProductKey", pk), ("PageSize", "100"))).At("Data.List.Id2Verification")
            .EnumerateArray().Select(e => e.At("Code").GetInt32()).ToHashSet();
        Assert.Superset(new HashSet<int> { 18, 21, 33, 35, 39, 45, 46, 200 }, codes);
    }

    [Fact]
    public async Task Mutual_authentication_and_data_for_the_device_round_trip()
    {
        var (sp, pk, ids) = await OwnPlatformAsync();
        var device = Device(ids[0]);

        // VerifyAndEncrypt: the device decrypts what the server encrypted for it.
        var sealedData = (await server.CallAs(sp, "VerifyAndEncrypt",
            Code(pk, ids[0].Id2, device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).With(("Data", "session-key-7f3a")))).At("Data").GetString()!;
        Assert.Equal("session-key-7f3a", Encoding.UTF8.GetString(device.Decrypt(Convert.FromBase64String(sealedData))));

        // Mutual: the device checks the server's code for its own challenge, with and without server extra.
        foreach (var serverExtra in new string?[] { null, "srv-extra" })
        {
            var deviceChallenge = Id2Client.DeviceChallenge();
            var challenge = (await server.CallAs(sp, "GetServerRandom", ("Id2", ids[0].Id2))).At("Data").GetString()!;
            (string, string)[] args = [("ProductKey", pk), ("Id2", ids[0].Id2), ("DeviceAuthCode", device.ChallengeAuthCode(challenge, Encoding.UTF8.GetBytes("dev-extra"))),
                ("DeviceExtra", "dev-extra"), ("DeviceChallenge", deviceChallenge), ("Data", "hello device")];
            if (serverExtra is not null) args = args.With(("ServerExtra", serverExtra));
            var answer = (await server.CallAs(sp, "GetServerAuthCodeAndEncryptData", args)).At("Data");
            var serverCode = answer.Str("ServerAuthCode");
            Assert.StartsWith(serverExtra is null ? "10~2~" : "11~2~", serverCode);
            var extraBytes = serverExtra is null ? null : Encoding.UTF8.GetBytes(serverExtra);
            Assert.True(device.VerifyServer(serverCode, deviceChallenge, extraBytes));
            Assert.False(device.VerifyServer(serverCode, Id2Client.DeviceChallenge(), extraBytes));
            Assert.False(Device(ids[1]).VerifyServer(serverCode, deviceChallenge, extraBytes));
            Assert.Equal("hello device", Encoding.UTF8.GetString(device.Decrypt(Convert.FromBase64String(answer.Str("EncryptData")))));
        }

        // The decryption helpers: data the device encrypted under a seed, and the secret both derive.
        var key = ids[0].Key;
        var cipher = key.SeedEncrypt(ids[0].Id2, "seed-1", Encoding.UTF8.GetBytes("reading=42"));
        var plain = await server.CallAs(sp, "DecryptId2DeviceData", ("ProductKey", pk), ("Id2", ids[0].Id2), ("Seed", "seed-1"), ("Data", Convert.ToBase64String(cipher)));
        Assert.Equal("reading=42", plain.At("Data").GetString());
        Assert.Equal("36", (await server.FailsAs(sp, "DecryptId2DeviceData", ("ProductKey", pk), ("Id2", ids[0].Id2), ("Seed", "seed-2"), ("Data", Convert.ToBase64String(cipher)))).Code);
        Assert.Equal(key.Secret("s"), (await server.CallAs(sp, "GetId2DeviceSecret", ("ProductKey", pk), ("Id2", ids[0].Id2), ("Seed", "s"))).At("Data").GetString());
        // Not activated yet: nothing to derive from.
        Assert.Equal("32", (await server.FailsAs(sp, "GetId2DeviceSecret", ("ProductKey", pk), ("Id2", ids[2].Id2), ("Seed", "s"))).Code);
    }

    [Fact]
    public async Task Imported_identities_verify_whatever_their_key_type()
    {
        var (sp, pk, _) = await OwnPlatformAsync(count: 1);
        // RSA chips: the supplier gives the public keys only (the private keys stay in the chips).
        var rsa = Enumerable.Range(0, 2).Select(_ => (Id2: Id2Identifier.New(), Key: Id2Key.Generate(Id2KeyType.Rsa))).ToList();
        var csv = "id2,key\n" + string.Join("\n", rsa.Select(r => $"{r.Id2},{r.Key.PublicMaterial}")) + "\nnot-an-id2,AAAA\n" + $"{rsa[0].Id2},{rsa[0].Key.PublicMaterial}\n";
        var imported = (await server.CallAs(sp, "ImportId2Identities", ("ProductKey", pk), ("KeyType", "rsa"), ("Csv", csv))).At("Data");
        Assert.Equal(2, imported.At("Batch.Count").GetInt32());
        Assert.Equal([4, 5], imported.At("Rejected").EnumerateArray().Select(r => r.At("Line").GetInt32()).ToList());
        var device = new Id2Client(new SoftwareKm(rsa[0].Id2, rsa[0].Key));
        Assert.Equal(200, (await server.CallAs(sp, "Verify", Code(pk, rsa[0].Id2, device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())))).At("Code").GetInt32());
        var sealedData = (await server.CallAs(sp, "VerifyAndEncrypt",
            Code(pk, rsa[0].Id2, device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())).With(("Data", "over rsa")))).At("Data").GetString()!;
        Assert.Equal("over rsa", Encoding.UTF8.GetString(device.Decrypt(Convert.FromBase64String(sealedData))));
        // Without the private key the server cannot sign for mutual authentication, and says so.
        var challenge = (await server.CallAs(sp, "GetServerRandom", ("Id2", rsa[0].Id2))).At("Data").GetString()!;
        Assert.Equal("42", (await server.FailsAs(sp, "GetServerAuthCodeAndEncryptData", ("ProductKey", pk), ("Id2", rsa[0].Id2),
            ("DeviceAuthCode", device.ChallengeAuthCode(challenge)), ("DeviceChallenge", Id2Client.DeviceChallenge()), ("Data", "x"))).Code);

        // SM2 and 3DES and SM4 keys, imported with their private keys.
        foreach (var type in new[] { Id2KeyType.Sm2, Id2KeyType.TripleDes, Id2KeyType.Sm4 })
        {
            var id = (Id2: Id2Identifier.New(), Key: Id2Key.Generate(type));
            await server.CallAs(sp, "ImportId2Identities", ("ProductKey", pk), ("KeyType", type.Name()), ("Csv", $"{id.Id2},{id.Key.Material}"));
            var client = new Id2Client(new SoftwareKm(id.Id2, id.Key));
            var code = client.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Encoding.UTF8.GetBytes("e"));
            Assert.Equal(type.HashType().ToString(), code.Split('~')[1]);
            Assert.Equal(200, (await server.CallAs(sp, "Verify", Code(pk, id.Id2, code, "e"))).At("Code").GetInt32());
        }
        // The imported public-only batch has nothing to export.
        Assert.Equal("iot.common.InvalidFormattedParameter",
            (await server.FailsAs(sp, "ExportId2Batch", ("BatchId", imported.Str("Batch.BatchId")), ("Format", "csv"))).Code);
    }
}
