// Entry point: one process is one Thingyard instance.
using Thingyard.Server.Hosting;
using Thingyard.Storage;

WebApplication app;
try
{
    app = await ThingyardApp.BuildAsync(args);
}
catch (LostDatabaseException e)
{
    // An operator's decision, not a crash: the reason and the way out, without a stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
await app.RunAsync();
return 0;
