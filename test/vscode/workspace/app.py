print("sealant integration workspace")
