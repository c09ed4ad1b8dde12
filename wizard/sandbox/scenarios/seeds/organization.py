def seed(ctx, scenario):
    pass
