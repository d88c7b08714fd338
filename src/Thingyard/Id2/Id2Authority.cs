// The ID² authority this platform runs in place of Alibaba's: it hands out challenges, verifies the devices' auth
// codes, activates identities against the authentication quota, encrypts data for a device and signs the server's
// side of mutual authentication. Used by the server API (Verify and friends), the MQTT connect of ID² devices and
// self-verification alike.
//
// The auth code leaves the type and hash digits outside the signature, and signs ID² || device random || challenge ||
// extra with no separators, so this class decides the mode itself: extra data must be present exactly when the caller
// gave some, a challenge must be the exact string this server issued for this ID² (a code for "ABCD" relabelled as
// challenge "AB" with extra "CD" names a challenge never issued), and one-time use rests on the challenge (spent once)
// or, for timestamps, on remembering each verified code for the length of the window (the device random is not a nonce:
// some carriers repeat it).
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Protocol.Id2;
using Thingyard.Storage;

namespace Thingyard.Id2;

public sealed class Id2Options
{
    /// <summary>How long a server random stays valid.</summary>
    public int ChallengeLifetimeSeconds { get; set; } = 300;
    /// <summary>How far a timestamp code's time may be from the server's, either way.</summary>
    public int TimestampWindowSeconds { get; set; } = 600;

    public TimeSpan ChallengeLifetime => TimeSpan.FromSeconds(ChallengeLifetimeSeconds);
    public TimeSpan TimestampWindow => TimeSpan.FromSeconds(TimestampWindowSeconds);
}

/// <summary>An identity that passed verification, with its key (for encrypting to it) and whether this check activated it.</summary>
public sealed record VerifiedId2(Id2Identity Identity, Id2Product Product, Id2Key Key, bool Activated);

public sealed class Id2Authority(IDbContextFactory<ThingyardDb> dbs, SecretProtector secrets, NonceLedger replays, TimeProvider time,
    Id2Options options, ILogger<Id2Authority> log)
{
    /// <summary>How often (in rows written) old challenges are dropped and a product's log is cut back.</summary>
    const int PruneEvery = 1_000;

    /// <summary>GetServerRandom: a fresh challenge for one of the account's identities.</summary>
    public async Task<string> IssueChallengeAsync(long accountId, string id2, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var identity = await FindIdentityAsync(db, accountId, null, id2, ct);
        var random = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var now = time.GetUtcNow();
        var challenge = new Id2Challenge
        {
            AccountId = accountId, Id2 = identity.Id2, Random = random, ExpiresAtMs = now.Add(options.ChallengeLifetime).ToUnixTimeMilliseconds(),
        };
        db.Id2Challenges.Add(challenge);
        await db.SaveChangesAsync(ct);
        // Spent and expired challenges are kept a day (so a late answer is "expired", not "unknown"), then dropped: now
        // and then, not on every call.
        if (challenge.Id % PruneEvery == 0)
            await db.Id2Challenges.Where(c => c.ExpiresAtMs < now.AddDays(-1).ToUnixTimeMilliseconds()).ExecuteDeleteAsync(ct);
        return random;
    }

    /// <summary>Verifies a device's auth code for the account's ID² in product <paramref name="productKey"/>;
    /// <paramref name="extra"/> is what the code must sign (null: a code without extra). A first success activates the
    /// identity (one unit of quota; for the IoT pattern bound to <paramref name="deviceName"/>). Every outcome is logged
    /// under <paramref name="operation"/>.</summary>
    public async Task<VerifiedId2> VerifyAsync(long accountId, string productKey, string id2, string authCode, byte[]? extra, string operation,
        string? deviceName = null, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var product = await db.Id2Products.AsNoTracking().OwnedBy(accountId).FirstOrDefaultAsync(p => p.ProductKey == productKey, ct)
            ?? throw Id2Errors.Error(Id2Errors.ProductNotFound, $"The ID² product '{productKey}' does not exist.");
        Id2Identity? identity = null;
        try
        {
            identity = await FindIdentityAsync(db, accountId, product.Id, id2, ct);
            var key = KeyOf(identity);
            var activated = await CheckAsync(db, identity, product, key, authCode, extra, deviceName, ct);
            await LogAsync(db, product, identity.Id2, operation, Id2Errors.Ok, activated ? "verified; identity activated" : "verified", ct);
            return new VerifiedId2(identity, product, key, activated);
        }
        catch (IotException e)
        {
            await LogAsync(db, product, identity?.Id2 ?? Clip(id2), operation, Id2Errors.CodeOf(e), e.Message, ct);
            log.LogInformation("ID² {Operation} refused for {Id2} in {ProductKey}: {Code} {Reason}", operation, identity?.Id2 ?? Clip(id2), productKey, e.Code, e.Message);
            throw;
        }
    }

    /// <summary>Data encrypted for the device (what id2_client_decrypt undoes), base64.</summary>
    public static string EncryptFor(VerifiedId2 verified, string data)
    {
        if (data.Length == 0) throw Id2Errors.Error(Id2Errors.InvalidData, "Data is empty.");
        if (Encoding.UTF8.GetByteCount(data) > 1024) throw Id2Errors.Error(Id2Errors.InvalidData, "Data is longer than 1024 bytes (the client SDK's ID2_MAX_CRYPT_LEN).");
        return Convert.ToBase64String(verified.Key.Encrypt(Encoding.UTF8.GetBytes(data)));
    }

    /// <summary>The server's auth code for mutual authentication: type 10, or 11 with <paramref name="serverExtra"/>,
    /// answering the device's challenge; the device checks it with id2_client_verify_server.</summary>
    public static string ServerAuthCode(VerifiedId2 verified, string deviceChallenge, string? serverExtra)
    {
        if (deviceChallenge.Length is 0 or > 128 || deviceChallenge.Contains('~'))
            throw Id2Errors.Error(Id2Errors.InvalidDeviceChallenge, "DeviceChallenge must be 1 to 128 characters without '~'.");
        var extra = serverExtra is null ? null : Encoding.UTF8.GetBytes(serverExtra);
        if (extra is { Length: 0 or > Id2AuthCode.MaxExtra }) throw Id2Errors.Error(Id2Errors.InvalidServerExtra, "ServerExtra must be 1 to 512 bytes.");
        if (!verified.Key.HasPrivate)
            throw Id2Errors.Error(Id2Errors.NotSupported, "Only the public key of this ID² is known here, so the server cannot sign for it.");
        var signature = verified.Key.Sign(Id2AuthCode.ServerSignInput(verified.Identity.Id2, deviceChallenge, extra));
        var type = extra is null ? Id2CodeType.Server : Id2CodeType.ServerWithExtra;
        return new Id2AuthCode(type, verified.Key.Type.HashType(), deviceChallenge, "", signature).ToString();
    }

    /// <summary>The identity's key, opened from its sealed column.</summary>
    public Id2Key KeyOf(Id2Identity identity)
    {
        if (!Id2KeyTypes.TryParse(identity.KeyType, out var type)) throw Id2Errors.Error(Id2Errors.NotSupported, $"Key type '{identity.KeyType}' is not supported.");
        return Id2Key.Parse(type, secrets.OpenValue(identity.KeyMaterial));
    }

    async Task<bool> CheckAsync(ThingyardDb db, Id2Identity identity, Id2Product product, Id2Key key, string authCode, byte[]? extra,
        string? deviceName, CancellationToken ct)
    {
        RequireInService(identity);
        var code = Id2AuthCode.ParseDevice(authCode, out var why) ?? throw Id2Errors.Error(Id2Errors.InvalidAuthCode, $"The auth code is malformed: {why}.");
        if (code.HashType != key.Type.HashType())
            throw Id2Errors.Error(Id2Errors.InvalidAuthCode, $"The auth code's hash type {code.HashType} does not match this ID²'s key ({key.Type.Name()} signs with {key.Type.HashType()}).");
        if (extra is { Length: 0 or > Id2AuthCode.MaxExtra }) throw Id2Errors.Error(Id2Errors.InvalidDeviceExtra, "Extra must be 1 to 512 bytes.");
        if (code.HasExtra != extra is not null)
            throw Id2Errors.Error(Id2Errors.InvalidDeviceExtra, code.HasExtra
                ? $"The auth code (type {(int)code.Type}) signs extra data, but no Extra was given."
                : $"Extra was given, but the auth code (type {(int)code.Type}) signs none.");

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var signed = Id2AuthCode.DeviceSignInput(identity.Id2, code.DeviceRandom, code.ServerRandom, extra);
        if (code.IsTimestamp)
        {
            if (!long.TryParse(code.ServerRandom, out var stamp) || Math.Abs(now - stamp) > (long)options.TimestampWindow.TotalMilliseconds)
                throw Id2Errors.Error(Id2Errors.Expired, $"The timestamp {code.ServerRandom} is more than {options.TimestampWindow.TotalMinutes:0} minutes from the server's time.");
            if (!key.Verify(signed, code.Signature)) throw WrongSignature(identity);
            var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"id2:{identity.Id2}:{authCode}")));
            if (!await replays.TryRecordAsync(fingerprint, stamp + (long)options.TimestampWindow.TotalMilliseconds, ct))
                throw Id2Errors.Error(Id2Errors.Replayed, "This timestamp auth code was already verified once.");
        }
        else
        {
            var challenge = await db.Id2Challenges.AsNoTracking().FirstOrDefaultAsync(c => c.Random == code.ServerRandom, ct);
            if (challenge is null || challenge.Id2 != identity.Id2)
                throw Id2Errors.Error(Id2Errors.InvalidChallenge, "The auth code answers a challenge this server did not issue for this ID².");
            if (challenge.UsedAtMs is not null) throw Id2Errors.Error(Id2Errors.Replayed, "The challenge was already answered; ask GetServerRandom for a new one.");
            if (challenge.ExpiresAtMs < now) throw Id2Errors.Error(Id2Errors.Expired, $"The challenge expired ({options.ChallengeLifetime.TotalMinutes:0} minutes after it was issued).");
            if (!key.Verify(signed, code.Signature)) throw WrongSignature(identity);
            var spent = await db.Id2Challenges.Where(c => c.Id == challenge.Id && c.UsedAtMs == null)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAtMs, now), ct);
            if (spent == 0) throw Id2Errors.Error(Id2Errors.Replayed, "The challenge was already answered; ask GetServerRandom for a new one.");
        }
        return await ActivateAsync(db, identity, product, deviceName, now, ct);
    }

    /// <summary>Refuses a suspended (45) or revoked (46) identity; with <paramref name="activated"/>, one not yet
    /// activated too (32).</summary>
    public static void RequireInService(Id2Identity identity, bool activated = false)
    {
        if (identity.Status == Id2Status.Suspended) throw Id2Errors.Error(Id2Errors.Suspended, $"ID² {identity.Id2} is suspended.");
        if (identity.Status == Id2Status.Revoked) throw Id2Errors.Error(Id2Errors.Revoked, $"ID² {identity.Id2} is revoked.");
        if (activated && identity.Status == Id2Status.Issued) throw Id2Errors.Error(Id2Errors.NotActivated, $"ID² {identity.Id2} is not activated yet.");
    }

    static IotException WrongSignature(Id2Identity identity) =>
        Id2Errors.Error(Id2Errors.InvalidAuthCode, $"The auth code's signature does not match ID² {identity.Id2}'s key (a wrong key, or altered data).");

    /// <summary>The first verified use spends one unit of the product's quota; with none left nothing changes and the
    /// check is refused.</summary>
    async Task<bool> ActivateAsync(ThingyardDb db, Id2Identity identity, Id2Product product, string? deviceName, long now, CancellationToken ct)
    {
        if (identity.Status != Id2Status.Issued) return false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var spent = await db.Id2Products.Where(p => p.Id == product.Id && p.QuotaAllocated - p.QuotaUsed >= 1)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.QuotaUsed, p => p.QuotaUsed + 1), ct);
        if (spent == 0)
            throw Id2Errors.Error(Id2Errors.QuotaExhausted, $"The authentication quota of product {product.ProductKey} is used up; ask the platform operator for more.");
        var activated = await db.Id2Identities.Where(i => i.Id == identity.Id && i.Status == Id2Status.Issued)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, Id2Status.Activated).SetProperty(i => i.ActivatedAtMs, now)
                .SetProperty(i => i.DeviceName, deviceName), ct);
        if (activated == 0) return false; // activated meanwhile by another check: the transaction rolls the spend back
        await tx.CommitAsync(ct);
        identity.Status = Id2Status.Activated;
        identity.ActivatedAtMs = now;
        identity.DeviceName = deviceName;
        return true;
    }

    async Task<Id2Identity> FindIdentityAsync(ThingyardDb db, long accountId, long? productId, string id2, CancellationToken ct)
    {
        var normal = Id2Identifier.Normalize(id2) ?? throw Id2Errors.Error(Id2Errors.UnknownId2, $"'{Clip(id2)}' is not an ID² (24 hexadecimal characters).");
        var identity = await db.Id2Identities.AsNoTracking().OwnedBy(accountId).FirstOrDefaultAsync(i => i.Id2 == normal, ct);
        if (identity is null || productId is not null && identity.Id2ProductId != productId)
            throw Id2Errors.Error(Id2Errors.UnknownId2, $"ID² {normal} does not exist{(productId is null ? "" : " in this product")}.");
        return identity;
    }

    async Task LogAsync(ThingyardDb db, Id2Product product, string id2, string operation, int code, string message, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var entry = new Id2Verification
        {
            AccountId = product.AccountId, Id2ProductId = product.Id, Id2 = id2, Operation = operation, Code = code,
            Message = message.Length > 300 ? message[..300] : message, AtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.Id2Verifications.Add(entry);
        await db.SaveChangesAsync(CancellationToken.None);
        // Now and then (by row id, across products), the product's log is cut back to its latest Id2Log.Kept entries.
        if (entry.Id % PruneEvery != 0) return;
        var cut = await db.Id2Verifications.Where(v => v.Id2ProductId == product.Id).OrderByDescending(v => v.Id).Skip(Id2Log.Kept)
            .Select(v => (long?)v.Id).FirstOrDefaultAsync(CancellationToken.None);
        if (cut is not null)
            await db.Id2Verifications.Where(v => v.Id2ProductId == product.Id && v.Id <= cut).ExecuteDeleteAsync(CancellationToken.None);
    }

    static string Clip(string? s) => s is null ? "" : s.Length > 48 ? s[..48] : s;
}
