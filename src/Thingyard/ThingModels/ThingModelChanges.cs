// Raised after a product's thing model is edited, imported, published or replaced by a distributed copy, so whatever
// caches a model (the message path's ModelCache) drops it at once instead of callers clearing caches by hand.
namespace Thingyard.ThingModels;

public sealed class ThingModelChanges
{
    public event Action<long>? Changed;

    public void Publish(long productId) => Changed?.Invoke(productId);
}
