// Raised after a product's topic classes change (created, updated, deleted, or replaced by a distributed copy), so the
// broker's TopicClassDirectory drops that product's compiled classes at once.
namespace Thingyard.Topics;

public sealed class TopicClassChanges
{
    public event Action<long>? Changed;

    public void Publish(long productId) => Changed?.Invoke(productId);
}
