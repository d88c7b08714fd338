// Tells the server-side subscription when a device is bound, shared, unshared, unbound or reset, so that the maker's
// application learns of it (the UserBindFlag kind of a product's subscription).
using Thingyard.Registry;

namespace Thingyard.EndUsers;

public static class BindingActions
{
    public const string Bind = "bind";
    public const string Unbind = "unbind";
    public const string Share = "share";
    public const string Unshare = "unshare";
    public const string Reset = "reset";
}

/// <summary>UserId: the end user bound, unbound, sharing or leaving (null on a reset, which removes everyone).</summary>
public sealed record BindingChange(string Action, Device Device, string? UserId, string? Role);

public sealed class BindingChanges
{
    public event Action<BindingChange>? Changed;

    public void Publish(BindingChange change) => Changed?.Invoke(change);
}
