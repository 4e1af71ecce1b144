// TriageIO: see the module overview in its main file.
