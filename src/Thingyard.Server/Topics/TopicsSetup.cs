// Custom topic classes wiring: the change feed and the broker's compiled classes for the process, the registry per
// request, and at start the default classes for products made before topic classes existed.
using Microsoft.EntityFrameworkCore;
using Thingyard.Storage;
using Thingyard.Topics;

namespace Thingyard.Server.Topics;

public static class TopicsSetup
{
    public static IServiceCollection AddTopicClasses(this IServiceCollection services)
    {
        services.AddSingleton<TopicClassChanges>();
        services.AddSingleton<TopicClassDirectory>();
        services.AddScoped<TopicClasses>();
        return services;
    }

    public static async Task AddMissingDefaultsAsync(IServiceProvider services, ILogger log)
    {
        var added = await TopicClasses.AddMissingDefaultsAsync(services.GetRequiredService<IDbContextFactory<ThingyardDb>>(),
            services.GetRequiredService<TimeProvider>());
        if (added > 0) log.LogWarning("Topic classes: {Count} product(s) made before topic classes existed got the default classes", added);
    }
}
