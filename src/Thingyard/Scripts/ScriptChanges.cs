// Tells the message path that a product's submitted script changed (submitted, updated, received by distribution),
// so the compiled copy it caches is dropped at once.
namespace Thingyard.Scripts;

public sealed class ScriptChanges
{
    public event Action<long>? Changed;

    public void Publish(long productId) => Changed?.Invoke(productId);
}
