// What an account may do with a device another account authorized to it (device authorization, the seed's 1.2.1):
// every read (status, properties, events, service calls, shadow, the product's information, topic classes and thing
// model; never secrets, which the views leave out: SeesSecretsOf), setting properties and invoking services, and a
// server-side subscription and rules of its own on the product. Nothing else: deleting, disabling, changing credentials, granting again, distributing and transferring stay the owner's.
// The one list; docs/sharing.md shows it as a table and SharingTests checks the table.
namespace Thingyard.Access;

public static class GranteeActions
{
    /// <summary>The changes an authorized account may make to an authorized device.</summary>
    public static readonly IReadOnlySet<string> Operations = new HashSet<string>(StringComparer.Ordinal)
    {
        "SetDeviceProperty", "SetDevicesProperty", "InvokeThingService", "InvokeThingsService",
    };

    /// <summary>The authorized account's own configuration about an authorized product: its server-side subscription
    /// (to its own consumer groups) and its rules, carrying the authorized devices' messages only; never the owner's.</summary>
    public static readonly IReadOnlySet<string> OwnConfiguration = new HashSet<string>(StringComparer.Ordinal)
    {
        "CreateSubscribeRelation", "UpdateSubscribeRelation", "DeleteSubscribeRelation",
        "CreateConsumerGroupSubscribeRelation", "DeleteConsumerGroupSubscribeRelation",
        // Its own rules on the product, which read the authorized devices' messages only.
        "CreateRule", "UpdateRule",
    };

    /// <summary>Whether an OpenAPI action may reach devices and products authorized to the caller's account.</summary>
    public static bool Admits(string action) =>
        Permissions.NeedOf(action) == Need.Read || Operations.Contains(action) || OwnConfiguration.Contains(action);
}
