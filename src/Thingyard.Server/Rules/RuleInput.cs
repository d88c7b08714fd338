// One message offered to the rules engine: the topic a rule's FROM names (/sys/pk/dn/thing/..., /pk/dn/user/...,
// /as/mqtt/status/pk/dn) and the JSON the platform forwards for it (the server-side subscription's format).
namespace Thingyard.Server.Rules;

public sealed record RuleInput(long AccountId, long ProductId, long DeviceId, string ProductKey, string DeviceName, string Topic, byte[] Payload, long TimeMs);
