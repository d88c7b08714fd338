Console.WriteLine("thingyard");
