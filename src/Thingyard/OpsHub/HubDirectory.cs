// The hub's lookups in one project: devices by name, product and status, and end users by e-mail address or phone
// number with their bindings. Only what operations staff need is read: never secrets, tokens or password hashes.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Projects;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.OpsHub;

public sealed record HubDevice(string IotId, string ProductKey, string ProductName, string DeviceName, string? Nickname, string Status,
    string? FirmwareVersion, string? IpAddress, long? ActivatedAtMs, long? LastOnlineAtMs);

public sealed record HubBinding(string ProductKey, string DeviceName, string IotId, string Role, bool Pending, long CreatedAtMs);

public sealed record HubEndUser(string UserId, string? Email, string? Phone, long CreatedAtMs, long? LastSignInAtMs, IReadOnlyList<HubBinding> Bindings);

public sealed class HubDirectory(ThingyardDb db, ProjectRegistry projects)
{
    public const int MaxEndUsers = 20;

    /// <summary>The project's devices (test devices left out) whose name or nickname contains <paramref name="name"/>,
    /// of one product, in one status and with one IotId when given; newest first.</summary>
    public async Task<Page<HubDevice>> DevicesAsync(Caller caller, string projectId, string? name, string? productKey, string? status, Paging paging,
        CancellationToken ct = default, string? iotId = null)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        if (status is not null && !DeviceStatus.All.Contains(status)) throw IotException.Invalid($"Status must be one of {string.Join(", ", DeviceStatus.All)}.");
        var products = db.Products.AsNoTracking().Where(p => p.ProjectId == project.Id);
        var rows = from d in db.Devices.AsNoTracking().VisibleTo(caller)
                   join p in products on d.ProductId equals p.Id
                   where !d.IsTest
                   select new { d, ProductName = p.Name };
        if (!string.IsNullOrWhiteSpace(name))
        {
            var text = name.Trim();
            rows = rows.Where(r => r.d.DeviceName.Contains(text) || r.d.Nickname != null && r.d.Nickname.Contains(text));
        }
        if (iotId is not null) rows = rows.Where(r => r.d.IotId == iotId);
        if (productKey is not null) rows = rows.Where(r => r.d.ProductKey == productKey);
        if (status is not null) rows = rows.Where(r => r.d.Status == status);
        var total = await rows.CountAsync(ct);
        var page = await rows.OrderByDescending(r => r.d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return new Page<HubDevice>(page.Select(r => new HubDevice(r.d.IotId, r.d.ProductKey, r.ProductName, r.d.DeviceName, r.d.Nickname, r.d.Status,
            r.d.FirmwareVersion, r.d.IpAddress, r.d.ActivatedAtMs, r.d.LastOnlineAtMs)).ToList(), total, paging);
    }

    /// <summary>End users of the project whose e-mail address or phone number contains <paramref name="query"/> (at most
    /// 20), each with the devices bound to them.</summary>
    public async Task<IReadOnlyList<HubEndUser>> EndUsersAsync(Caller caller, string projectId, string query, CancellationToken ct = default)
    {
        var project = await projects.GetAsync(caller, projectId, ct);
        var text = query.Trim().ToLowerInvariant();
        if (text.Length < 3) throw IotException.Invalid("Give at least 3 characters of an e-mail address or a phone number.");
        var users = await db.EndUsers.AsNoTracking()
            .Where(u => u.ProjectId == project.Id && (u.Email != null && u.Email.Contains(text) || u.Phone != null && u.Phone.Contains(text)))
            .OrderBy(u => u.Id).Take(MaxEndUsers)
            .Select(u => new { u.Id, u.UserId, u.Email, u.Phone, u.CreatedAtMs, u.LastSignInAtMs })
            .ToListAsync(ct);
        var ids = users.Select(u => u.Id).ToList();
        var bindings = await (from b in db.DeviceBindings.AsNoTracking()
                              join d in db.Devices.AsNoTracking() on b.DeviceId equals d.Id
                              where b.ProjectId == project.Id && ids.Contains(b.EndUserId)
                              orderby b.Id
                              select new { b.EndUserId, Binding = new HubBinding(d.ProductKey, d.DeviceName, d.IotId, b.Role, b.Pending, b.CreatedAtMs) })
            .ToListAsync(ct);
        return users.Select(u => new HubEndUser(u.UserId, u.Email, u.Phone, u.CreatedAtMs, u.LastSignInAtMs,
            bindings.Where(b => b.EndUserId == u.Id).Select(b => b.Binding).ToList())).ToList();
    }
}
