// End users' devices: binding a released product's device with proof of holding it, one owner per device, sharing
// with family members by invitation, unbinding, and the device's own factory reset. Every check reads the bindings
// table, nothing is cached, so a removed member's next request is refused at once.
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.EndUsers;

/// <summary>A device as one end user has it: their binding, the device and its product.</summary>
public sealed record BoundDevice(DeviceBinding Binding, Device Device, Product Product);

/// <summary>A member of a device's family, as its owner sees them.</summary>
public sealed record DeviceMember(string UserId, string? Email, string? Phone, string Role, bool Pending, long CreatedAtMs);

public static class BindingErrors
{
    public const string AlreadyBound = "iot.enduser.AlreadyExistedBinding";
    public const string NotBound = "iot.enduser.NotExistedBinding";
    public const string InvalidProof = "iot.enduser.InvalidBindToken";
    public const string NotOwner = "iot.enduser.OwnerPermissionDeny";
    public const string NoSuchUser = "iot.enduser.NotExistedUser";
}

public sealed class EndUserDevices(ThingyardDb db, BindingChanges changes, TimeProvider time)
{
    /// <summary>How long a token a device reported can bind it (the SDK reports a fresh one after each provisioning).</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);
    /// <summary>Tokens a device may hold at once; older ones are dropped.</summary>
    const int TokensPerDevice = 5;

    /// <summary>thing.awss.enrollee.match: the device's bind token (the C SDK sends 32 hex characters), kept hashed.</summary>
    public async Task ReportTokenAsync(long deviceId, string token, CancellationToken ct = default)
    {
        if (!ValidToken(token)) throw IotException.Invalid("params.token must be 8 to 64 letters or digits.");
        var now = Now;
        db.DeviceBindTokens.Add(new DeviceBindToken { DeviceId = deviceId, TokenHash = Hash(token.ToUpperInvariant()), ExpiresAtMs = now + (long)TokenLifetime.TotalMilliseconds });
        await db.SaveChangesAsync(ct);
        var stale = await db.DeviceBindTokens.Where(t => t.DeviceId == deviceId).OrderByDescending(t => t.Id).Skip(TokensPerDevice).Select(t => t.Id).ToListAsync(ct);
        await db.DeviceBindTokens.Where(t => t.DeviceId == deviceId && (t.ExpiresAtMs < now || stale.Contains(t.Id))).ExecuteDeleteAsync(ct);
    }

    /// <summary>Binds a device to <paramref name="user"/> as its owner, proven by a token the device reported (with its
    /// name) or by the code printed on it. Binding a device one already owns again is a no-op.</summary>
    public async Task<BoundDevice> BindDeviceAsync(EndUser user, string productKey, string? deviceName, string? token, string? code, CancellationToken ct = default)
    {
        if ((token is null) == (code is null)) throw IotException.Invalid("Give either the device's bind token (with its DeviceName) or the bind code printed on it.");
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.ProductKey == productKey, ct);
        if (product is null || !await InProjectAsync(product, user.ProjectId, ct)) throw BadProof();
        if (product.ReleaseState != ReleaseStates.Released)
            throw new IotException(IotErrors.ProductNotReleased, $"The product '{productKey}' is not released yet; end users bind devices of released products only.");

        Device? device;
        DeviceBindToken? used = null;
        if (code is not null)
        {
            var hash = CodeHash(productKey, code.Trim().ToUpperInvariant());
            var deviceId = await db.DeviceBindCodes.Where(c => c.CodeHash == hash).Select(c => (long?)c.DeviceId).FirstOrDefaultAsync(ct);
            device = deviceId is null ? null : await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deviceId, ct);
        }
        else
        {
            if (string.IsNullOrEmpty(deviceName) || !ValidToken(token!)) throw BadProof();
            device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.ProductId == product.Id && d.DeviceName == deviceName, ct);
            if (device is not null)
            {
                var hash = Hash(token!.ToUpperInvariant());
                used = await db.DeviceBindTokens.FirstOrDefaultAsync(t => t.DeviceId == device.Id && t.TokenHash == hash && t.ExpiresAtMs >= Now, ct);
                if (used is null) device = null;
            }
        }
        if (device is null) throw BadProof();

        var owner = await db.DeviceBindings.AsNoTracking().FirstOrDefaultAsync(b => b.OwnerDeviceId == device.Id, ct);
        if (owner is not null)
        {
            if (owner.EndUserId == user.Id) return new BoundDevice(owner, device, product);
            throw AlreadyBound(device);
        }
        // A member of the device becoming its owner (after the owner left) keeps one row: the member row goes.
        await db.DeviceBindings.Where(b => b.DeviceId == device.Id && b.EndUserId == user.Id).ExecuteDeleteAsync(ct);
        var binding = new DeviceBinding
        {
            AccountId = product.AccountId, ProjectId = user.ProjectId, DeviceId = device.Id, EndUserId = user.Id, Role = BindingRoles.Owner,
            OwnerDeviceId = device.Id, CreatedAtMs = Now, AcceptedAtMs = Now,
        };
        db.DeviceBindings.Add(binding);
        if (used is not null) db.DeviceBindTokens.Remove(used);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw AlreadyBound(device); } // another end user's bind won the unique owner index
        changes.Publish(new BindingChange(BindingActions.Bind, device, user.UserId, BindingRoles.Owner));
        return new BoundDevice(binding, device, product);
    }

    /// <summary>The devices the user may use (accepted bindings), and the invitations waiting for an answer.</summary>
    public async Task<(List<BoundDevice> Devices, List<BoundDevice> Invitations)> ListAsync(EndUser user, CancellationToken ct = default)
    {
        var rows = await (from b in db.DeviceBindings.AsNoTracking()
                          join d in db.Devices.AsNoTracking() on b.DeviceId equals d.Id
                          join p in db.Products.AsNoTracking() on d.ProductId equals p.Id
                          where b.EndUserId == user.Id
                          orderby b.Room, b.Id
                          select new BoundDevice(b, d, p)).ToListAsync(ct);
        return (rows.Where(r => !r.Binding.Pending).ToList(), rows.Where(r => r.Binding.Pending).ToList());
    }

    /// <summary>A device the user may use now; anything else (not bound, pending, another's) reads as not bound.</summary>
    public async Task<BoundDevice> GetAsync(EndUser user, string iotId, CancellationToken ct = default) =>
        await FindAsync(user, iotId, ct) is { Binding.Pending: false } found ? found : throw NotBound(iotId);

    public async Task<BoundDevice> UpdateAsync(EndUser user, string iotId, string? room, string? nickname, CancellationToken ct = default)
    {
        var found = await GetAsync(user, iotId, ct);
        var binding = await db.DeviceBindings.FirstAsync(b => b.Id == found.Binding.Id, ct);
        if (room is not null) binding.Room = Label(room, "Room");
        if (nickname is not null) binding.Nickname = Label(nickname, "Nickname");
        await db.SaveChangesAsync(ct);
        return found with { Binding = binding };
    }

    /// <summary>The owner unbinds the device (every member loses it too); a member leaves it.</summary>
    public async Task UnbindAsync(EndUser user, string iotId, CancellationToken ct = default)
    {
        var found = await FindAsync(user, iotId, ct) ?? throw NotBound(iotId);
        if (found.Binding.Role == BindingRoles.Owner)
        {
            await db.DeviceBindings.Where(b => b.DeviceId == found.Device.Id).ExecuteDeleteAsync(ct);
            changes.Publish(new BindingChange(BindingActions.Unbind, found.Device, user.UserId, BindingRoles.Owner));
        }
        else
        {
            await db.DeviceBindings.Where(b => b.Id == found.Binding.Id).ExecuteDeleteAsync(ct);
            if (!found.Binding.Pending) changes.Publish(new BindingChange(BindingActions.Unshare, found.Device, user.UserId, BindingRoles.Member));
        }
    }

    /// <summary>Before an account is deleted: the devices it owns are unbound (their members lose them too); its member
    /// rows go with the account.</summary>
    public async Task ReleaseAllAsync(EndUser user, CancellationToken ct = default)
    {
        var owned = await (from b in db.DeviceBindings where b.EndUserId == user.Id && b.Role == BindingRoles.Owner
                           join d in db.Devices on b.DeviceId equals d.Id select d.IotId).ToListAsync(ct);
        foreach (var iotId in owned) await UnbindAsync(user, iotId, ct);
    }

    /// <summary>The owner invites another end user of the project, by login; they use the device once they accept.</summary>
    public async Task<DeviceMember> InviteAsync(EndUser owner, string iotId, string login, CancellationToken ct = default)
    {
        var found = await OwnedAsync(owner, iotId, ct);
        var (email, phone) = EndUserAccounts.ParseLogin(login);
        var invitee = await db.EndUsers.AsNoTracking()
            .FirstOrDefaultAsync(u => u.ProjectId == owner.ProjectId && (email != null ? u.Email == email : u.Phone == phone), ct)
            ?? throw new IotException(BindingErrors.NoSuchUser, $"No end user of this project signs in as '{login}'.");
        if (await db.DeviceBindings.AnyAsync(b => b.DeviceId == found.Device.Id && b.EndUserId == invitee.Id, ct))
            throw new IotException(BindingErrors.AlreadyBound, $"'{login}' already has this device or an invitation to it.");
        var binding = new DeviceBinding
        {
            AccountId = found.Binding.AccountId, ProjectId = owner.ProjectId, DeviceId = found.Device.Id, EndUserId = invitee.Id,
            Role = BindingRoles.Member, Pending = true, InvitedById = owner.Id, CreatedAtMs = Now,
        };
        db.DeviceBindings.Add(binding);
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { throw new IotException(BindingErrors.AlreadyBound, $"'{login}' already has this device or an invitation to it."); }
        return new DeviceMember(invitee.UserId, invitee.Email, invitee.Phone, BindingRoles.Member, true, binding.CreatedAtMs);
    }

    /// <summary>The invitee accepts (the device is shared from now on) or declines (the invitation goes).</summary>
    public async Task AnswerAsync(EndUser user, string iotId, bool accept, CancellationToken ct = default)
    {
        var found = await FindAsync(user, iotId, ct);
        if (found is not { Binding.Pending: true }) throw new IotException(BindingErrors.NotBound, $"There is no invitation to device {iotId}.");
        if (!accept)
        {
            await db.DeviceBindings.Where(b => b.Id == found.Binding.Id).ExecuteDeleteAsync(ct);
            return;
        }
        var now = Now;
        await db.DeviceBindings.Where(b => b.Id == found.Binding.Id).ExecuteUpdateAsync(s => s.SetProperty(b => b.Pending, false).SetProperty(b => b.AcceptedAtMs, now), ct);
        changes.Publish(new BindingChange(BindingActions.Share, found.Device, user.UserId, BindingRoles.Member));
    }

    /// <summary>The owner's view of who has the device (themselves first).</summary>
    public async Task<List<DeviceMember>> MembersAsync(EndUser owner, string iotId, CancellationToken ct = default) =>
        await OfDeviceAsync((await OwnedAsync(owner, iotId, ct)).Device, ct);

    /// <summary>The owner removes a member (or withdraws an invitation); the member's next request is refused.</summary>
    public async Task RemoveMemberAsync(EndUser owner, string iotId, string memberUserId, CancellationToken ct = default)
    {
        var found = await OwnedAsync(owner, iotId, ct);
        var member = await (from b in db.DeviceBindings
                            join u in db.EndUsers on b.EndUserId equals u.Id
                            where b.DeviceId == found.Device.Id && u.UserId == memberUserId && b.Role == BindingRoles.Member
                            select b).FirstOrDefaultAsync(ct)
            ?? throw new IotException(BindingErrors.NotBound, $"{memberUserId} is not a member of device {iotId}.");
        await db.DeviceBindings.Where(b => b.Id == member.Id).ExecuteDeleteAsync(ct);
        if (!member.Pending) changes.Publish(new BindingChange(BindingActions.Unshare, found.Device, memberUserId, BindingRoles.Member));
    }

    /// <summary>The maker's view of a device's end users (for support): who has it, in which role, since when.</summary>
    public async Task<List<DeviceMember>> OfDeviceAsync(Device device, CancellationToken ct = default) =>
        await (from b in db.DeviceBindings.AsNoTracking()
               join u in db.EndUsers.AsNoTracking() on b.EndUserId equals u.Id
               where b.DeviceId == device.Id
               orderby b.OwnerDeviceId == null, b.Id
               select new DeviceMember(u.UserId, u.Email, u.Phone, b.Role, b.Pending, b.CreatedAtMs)).ToListAsync(ct);

    /// <summary>thing.reset: the device was reset to factory settings, so nobody has it any more.</summary>
    public async Task<int> ResetAsync(Device device, CancellationToken ct = default)
    {
        var removed = await db.DeviceBindings.Where(b => b.DeviceId == device.Id).ExecuteDeleteAsync(ct);
        await db.DeviceBindTokens.Where(t => t.DeviceId == device.Id).ExecuteDeleteAsync(ct);
        if (removed > 0) changes.Publish(new BindingChange(BindingActions.Reset, device, null, null));
        return removed;
    }

    /// <summary>The user's binding of the device, pending or not; null when they have none.</summary>
    public async Task<BoundDevice?> FindAsync(EndUser user, string iotId, CancellationToken ct = default) =>
        await (from b in db.DeviceBindings.AsNoTracking()
               join d in db.Devices.AsNoTracking() on b.DeviceId equals d.Id
               join p in db.Products.AsNoTracking() on d.ProductId equals p.Id
               where b.EndUserId == user.Id && d.IotId == iotId
               select new BoundDevice(b, d, p)).FirstOrDefaultAsync(ct);

    async Task<BoundDevice> OwnedAsync(EndUser owner, string iotId, CancellationToken ct)
    {
        var found = await GetAsync(owner, iotId, ct);
        if (found.Binding.Role != BindingRoles.Owner) throw new IotException(BindingErrors.NotOwner, "Only the device's owner shares it and manages its members.");
        return found;
    }

    /// <summary>Whether the product is in the project (a product of no project counts as its account's default project's).</summary>
    async Task<bool> InProjectAsync(Product product, long projectId, CancellationToken ct) =>
        product.ProjectId == projectId
        || (product.ProjectId is null && await db.Projects.OwnedBy(product.AccountId).AnyAsync(p => p.Id == projectId && p.IsDefault, ct));

    static string Label(string text, string field)
    {
        text = text.Trim();
        if (text.Length > 64) throw IotException.Invalid($"{field} is at most 64 characters.");
        return text;
    }

    internal static bool ValidToken(string token) => token.Length is >= 8 and <= 64 && token.All(char.IsAsciiLetterOrDigit);

    internal static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    internal static string CodeHash(string productKey, string code) => Hash(productKey + ":" + code);

    static IotException BadProof() =>
        new(BindingErrors.InvalidProof, "The bind token or code does not match a device of this project (wrong, expired or already used).");

    static IotException AlreadyBound(Device d) =>
        new(BindingErrors.AlreadyBound, $"The device {d.DeviceName} is already bound to another user. Its owner unbinds it, or the device is reset, before anyone else binds it.");

    static IotException NotBound(string iotId) => new(BindingErrors.NotBound, $"The device {iotId} is not one of yours.");

    long Now => time.GetUtcNow().ToUnixTimeMilliseconds();
}
