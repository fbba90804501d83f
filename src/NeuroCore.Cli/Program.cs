System.Console.WriteLine(NeuroCore.Kernels.IsaInfo.Describe());
