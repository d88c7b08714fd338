// Who an accepted AMQP connection is: the client id from its user name, the account its AccessKey belongs to, and the
// consumer group it reads. Microsoft.Azure.Amqp keeps it on the connection (AmqpConnection.Principal).
using System.Security.Principal;

namespace Thingyard.Server.Subscriptions.Amqp;

public sealed class AmqpClientPrincipal(string clientId, long accountId, long groupId, string groupName) : IPrincipal, IIdentity
{
    public string ClientId { get; } = clientId;
    public long AccountId { get; } = accountId;
    /// <summary>The consumer group's row id.</summary>
    public long GroupId { get; } = groupId;
    /// <summary>The public group id (DEFAULT_GROUP, ...).</summary>
    public string GroupName { get; } = groupName;

    public IIdentity Identity => this;
    public bool IsInRole(string role) => false;
    public string AuthenticationType => "aksign";
    public bool IsAuthenticated => true;
    public string Name => ClientId;
}
