// Entry point of the thingyard command; everything else lives in CliApp so tests can run it in-process.
return await Thingyard.Cli.CliApp.RunAsync(args);
