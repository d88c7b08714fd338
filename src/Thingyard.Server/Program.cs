// Entry point: one process is one Thingyard instance.
using Thingyard.Server.Hosting;
using Thingyard.Server.Settings;
using Thingyard.Storage;

WebApplication app;
try
{
    app = await ThingyardApp.BuildAsync(args);
}
catch (InvalidSettingsException e)
{
    // A setting to fix, not a crash: one line per problem, each naming its key, without a stack trace.
    foreach (var failure in e.Failures) Console.Error.WriteLine(failure);
    return 1;
}
catch (LostDatabaseException e)
{
    // An operator's decision, not a crash: the reason and the way out, without a stack trace.
    Console.Error.WriteLine(e.Message);
    return 1;
}
await app.RunAsync();
return 0;
