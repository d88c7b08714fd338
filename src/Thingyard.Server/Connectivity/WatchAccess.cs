// Ends a live-traffic watch (the REST event stream, the console's live view) as soon as its caller may no longer see the
// device: a device authorization revoked, a project grant taken back. The grants are checked again on every change
// (GrantDirectory.Changed), so an open watch stops as the next API call would be refused.
using Thingyard.Access;
using Thingyard.Registry;

namespace Thingyard.Server.Connectivity;

public sealed class WatchAccess(GrantDirectory grants, ILogger<WatchAccess> log)
{
    /// <summary>A token that fires with <paramref name="outer"/>, or when the caller loses sight of the device.</summary>
    public CancellationTokenSource Guard(Caller caller, Device device, CancellationToken outer)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(outer);
        if (device.IsOwnedBy(caller.AccountId)) return stop; // its own device: no grant to lose
        var alone = caller with { Grants = Grants.None };
        async Task CheckAsync()
        {
            try
            {
                if (!device.IsVisibleTo(await grants.WithGrantsAsync(alone, admitAuthorized: true, stop.Token)))
                {
                    log.LogInformation("Live watch of {ProductKey}/{DeviceName} by account {Account} ended: its access was revoked",
                        device.ProductKey, device.DeviceName, caller.AccountId);
                    await stop.CancelAsync();
                }
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { }
        }
        Action changed = () => _ = CheckAsync();
        grants.Changed += changed;
        stop.Token.Register(() => grants.Changed -= changed);
        return stop;
    }
}
