"""Drawing one sample: text, font, colours, background, layout, augmentation, and the label checks."""
