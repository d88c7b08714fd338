// The outcome of checking an MQTT CONNECT: a device session, a dynamic-registration session, or a refusal with its reason.
using Thingyard.Protocol.Devices;

namespace Thingyard.Connectivity;

public enum ConnectRefusal
{
    None, BadCredentials, NotAuthorized, BadRequest,
    /// <summary>Too many failed attempts (AuthThrottle). It shares BadRequest's value, so the broker answers it with
    /// "server unavailable", which devices retry later, until the broker maps it on its own.</summary>
    Throttled = BadRequest,
}

public sealed record ConnectDecision(ConnectRefusal Refusal, string Reason, DeviceCredential? Device = null, DynamicRegistrationRequest? Registration = null,
    ClientFeatures Features = default)
{
    public bool Accepted => Refusal == ConnectRefusal.None;

    public static ConnectDecision Refuse(ConnectRefusal why, string reason) => new(why, reason);
    public static ConnectDecision Session(DeviceCredential device, ClientFeatures features) => new(ConnectRefusal.None, "ok", device, Features: features);
    public static ConnectDecision Register(DynamicRegistrationRequest request) => new(ConnectRefusal.None, "register", Registration: request);

    /// <summary>The refusal a device's own state calls for whatever its credentials (disabled, or living on another
    /// instance now); null when it may connect.</summary>
    public static ConnectDecision? ForState(DeviceCredential device) =>
        device.Status == Registry.DeviceStatus.Disabled ? Refuse(ConnectRefusal.NotAuthorized, "device is disabled")
        : device.DistributedAway ? Refuse(ConnectRefusal.NotAuthorized, "device was distributed to another instance; bootstrap again")
        : null;
}

/// <summary>MQTT dynamic registration: authType register (pre-registered) or regnwl (registration-free).</summary>
public sealed record DynamicRegistrationRequest(string ProductKey, string DeviceName, string AuthType, string Random, string? SignMethod, string Sign, string ClientIdBase);
