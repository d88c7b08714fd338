// Raised when devices are authorized to an account or their authorization is revoked, after the change is saved, so
// the delivery side can stop (or resume) at once: the grantee's consumer groups drop what they still hold of a revoked
// device instead of sending it.
namespace Thingyard.Sharing;

public sealed class AuthorizationChanges
{
    /// <summary>(grantee account, devices, authorized: true when granted, false when revoked).</summary>
    public event Action<long, IReadOnlyCollection<long>, bool>? Changed;

    public void Publish(long granteeAccountId, IReadOnlyCollection<long> deviceIds, bool authorized)
    {
        if (deviceIds.Count > 0) Changed?.Invoke(granteeAccountId, deviceIds, authorized);
    }
}
