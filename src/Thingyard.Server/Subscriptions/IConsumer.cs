// A client of a consumer group as the delivery engine sees it: an AMQP receiver link, or a test double.
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions;

public interface IConsumer
{
    /// <summary>The client id it connected with (status lists it).</summary>
    string ClientId { get; }
    /// <summary>"ip:port" of the client.</summary>
    string Address { get; }
    long ConnectedAtMs { get; }
    /// <summary>Messages it may be sent now (its link credit).</summary>
    int Credit { get; }
    /// <summary>Sends messages in their order; each one's outcome comes back through GroupQueue.Settled.</summary>
    void Send(IReadOnlyList<BacklogMessage> messages);
}
