// What a console user may do in the account it belongs to. AccessKeys act as the account's owner (the OpenAPI has no
// roles: a key is the account's own credential).
namespace Thingyard.Access;

public enum Role
{
    /// <summary>Everything, including users and keys; the account's first user.</summary>
    Owner,
    /// <summary>Everything, including users and keys, but cannot remove or demote an owner.</summary>
    Admin,
    /// <summary>Products, devices, thing models, commands, distribution; not users or keys.</summary>
    Developer,
    /// <summary>Reads everything the account has; changes nothing.</summary>
    Viewer,
    /// <summary>The maker's operations staff: the Operations Hub of the account's projects, reading devices and sending
    /// them commands (set properties, invoke services); no product, device, user or key changes.</summary>
    Operator,
}
