import segment


def identify(customer):
    segment.identify(customer.ssn)
    segment.identify(customer.plan)
