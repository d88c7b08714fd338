// Step 5 of the onboarding, self-verification: one identity taken end to end as a device would, each stage reported,
// and the first failing stage named with its reason. The device is simulated here with the identity's own key (or a
// key the caller supplies, to see what a device provisioned with that key would get): identity present and known,
// challenge issued, auth code verified, activation, quota consumed, and (IoT pattern) an MQTT session on this broker.
// A real device's own check is `thingyard id2 verify`, which runs the same stages from the device's provisioning file.
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Id2;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Id2;
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Id2;

public sealed record Id2Stage(string Name, string Status, string Detail);

public sealed record Id2SelfVerificationReport(string Id2, string ProductKey, bool Passed, string? FailedStage, IReadOnlyList<Id2Stage> Stages);

public sealed class Id2SelfVerification(Id2Products products, Id2Identities identities, Id2Authority authority, MqttListener listener)
{
    public static readonly string[] StageNames = ["identity", "challenge", "authCode", "activation", "quota", "mqtt"];

    public async Task<Id2SelfVerificationReport> RunAsync(Caller caller, string productKey, string id2, string? keyOverride, string? deviceName,
        CancellationToken ct = default)
    {
        var stages = new List<Id2Stage>();
        Id2SelfVerificationReport Done(string? failed) =>
            new(id2, productKey, failed is null, failed, [.. stages, .. StageNames.Skip(stages.Count).Select(n => new Id2Stage(n, "skipped", "not reached"))]);
        Id2SelfVerificationReport Fail(string stage, string detail)
        {
            stages.Add(new(stage, "failed", detail));
            return Done(stage);
        }

        var product = await products.GetAsync(caller, productKey, ct);
        caller.RequireChange(product);
        Id2Identity identity;
        Id2Key key;
        try
        {
            identity = await identities.GetAsync(caller, id2, ct);
            if (identity.Id2ProductId != product.Id) return Fail("identity", $"ID² {identity.Id2} belongs to another product.");
            key = keyOverride is null ? authority.KeyOf(identity) : Id2Key.Parse(KeyType(identity.KeyType), keyOverride);
            if (!key.HasPrivate) return Fail("identity", "Only the public key of this ID² is known here; verify it from the device (thingyard id2 verify).");
        }
        catch (IotException e) { return Fail("identity", e.Message); }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        { return Fail("identity", $"The key given does not fit the identity's key type: {e.Message}"); }
        id2 = identity.Id2;
        stages.Add(new("identity", "passed", $"ID² {identity.Id2} ({identity.KeyType}, {identity.Status}) is known in product {product.ProductKey}."));

        string challenge;
        try { challenge = await authority.IssueChallengeAsync(product.AccountId, identity.Id2, ct); }
        catch (IotException e) { return Fail("challenge", e.Message); }
        stages.Add(new("challenge", "passed", $"Server random {challenge} issued."));

        var device = new Id2Client(new SoftwareKm(identity.Id2, key));
        var iot = product.Pattern == Id2Plans.IotPattern;
        var name = identity.DeviceName ?? deviceName ?? identity.Id2;
        VerifiedId2 verified;
        try
        {
            verified = await authority.VerifyAsync(product.AccountId, product.ProductKey, identity.Id2, device.ChallengeAuthCode(challenge), null,
                "SelfVerification", iot ? name : null, ct);
        }
        catch (IotException e) when (Id2Errors.CodeOf(e) == Id2Errors.QuotaExhausted)
        {
            stages.Add(new("authCode", "passed", "The device's auth code verified."));
            stages.Add(new("activation", "failed", e.Message));
            return Done("activation");
        }
        catch (IotException e) { return Fail("authCode", $"{e.Code}: {e.Message}"); }
        stages.Add(new("authCode", "passed", "The device's auth code for the challenge verified against the identity's key."));
        stages.Add(new("activation", "passed", verified.Activated ? "Activated by this check." : $"Already active (since {Time(verified.Identity.ActivatedAtMs)})."));
        var (allocated, used) = await products.QuotaAsync(product, ct);
        stages.Add(new("quota", "passed", verified.Activated
            ? $"One activation used: {used} of {allocated} used, {allocated - used} left."
            : $"Nothing used (already active): {used} of {allocated} used."));

        if (!iot)
        {
            stages.Add(new("mqtt", "skipped", "Own-platform pattern: devices are verified by your server through the ID² server API, not connected here."));
            return Done(null);
        }
        try
        {
            await using var client = new DeviceClient(new DeviceTriplet(product.ProductKey, name, ""), new DeviceClientOptions
            {
                Port = listener.Port, ReplyTimeout = TimeSpan.FromSeconds(5),
                Credentials = () => Id2Credentials.Create(product.ProductKey, name, device, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            });
            await client.ConnectAsync(ct);
            await client.DisconnectAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException) { return Fail("mqtt", $"The MQTT session as {product.ProductKey}/{name} was refused: {e.Message}"); }
        stages.Add(new("mqtt", "passed", $"An MQTT session as {product.ProductKey}/{name} came up with the ID² timestamp auth code, and closed."));
        return Done(null);
    }

    static Id2KeyType KeyType(string keyType) => Id2KeyTypes.TryParse(keyType, out var t) ? t : throw new FormatException($"unknown key type {keyType}");
    static string Time(long? ms) => ms is null ? "?" : DateTimeOffset.FromUnixTimeMilliseconds(ms.Value).ToString("u");
}
