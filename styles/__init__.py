"""Built-in styles. Each module is one small Style subclass and an example for plugin authors."""
