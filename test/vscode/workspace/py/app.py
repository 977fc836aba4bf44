import logging

import requests
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)


@app.route("/signup", methods=["POST"])
def signup():
    ssn = request.form["ssn"]
    logger.info("signup ssn=%s", ssn)
    requests.post("http://crm.partner.com/api/customers", json={"ssn": ssn})
    return "ok"


@app.route("/upload", methods=["POST"])
def upload():
    f = request.files["file"]
    f.save("/srv/uploads/" + "latest")
    return "saved"
